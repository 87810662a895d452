import { defineFeature } from '../define-feature.js';

/** Print layouts (issue 17): the print button and the line printed at the top of every printed page. */
export const printText = defineFeature({
  'print.button': 'Print',
  'print.meta': 'Printed on {date} by {who}',
}, {
  fr: { 'print.button': 'Imprimer', 'print.meta': 'Imprimé le {date} par {who}' },
  es: { 'print.button': 'Imprimir', 'print.meta': 'Impreso el {date} por {who}' },
  ru: { 'print.button': 'Печать', 'print.meta': 'Напечатано {date}, напечатал(а): {who}' },
  ar: { 'print.button': 'طباعة', 'print.meta': 'طُبع في {date} بواسطة {who}' },
  zh: { 'print.button': '打印', 'print.meta': '{who} 于 {date} 打印' },
});
