import { defineFeature } from '../define-feature.js';

/** Form messages that name what is allowed: amounts in a currency, choices among known values. */
export const formsText = defineFeature({
  'v.amount': 'Please enter an amount in {currency} with at most {decimals} decimals (for example {example}); no thousands separators.',
  'v.currency': 'Please choose a currency from the list.',
  'v.currencyNeeded': 'Please choose the currency of the budget.',
  'v.oneOf': 'Please choose one of: {values}.',
  'v.unknownChoice': 'Please choose from the list; “{value}” is not one of the choices.',
  'v.dateOrder': 'The end date is before the start date ({from}).',
  'v.format': 'Please check the format: {hint}.',
}, {
  fr: {
    'v.amount': 'Saisissez un montant en {currency} avec au plus {decimals} décimales (par exemple {example}), sans séparateur de milliers.',
    'v.currency': 'Choisissez une monnaie dans la liste.',
    'v.currencyNeeded': 'Choisissez la monnaie du budget.',
    'v.oneOf': 'Choisissez l’une de ces valeurs : {values}.',
    'v.unknownChoice': 'Choisissez dans la liste ; « {value} » n’en fait pas partie.',
    'v.dateOrder': 'La date de fin précède la date de début ({from}).',
    'v.format': 'Vérifiez le format : {hint}.',
  },
  es: {
    'v.amount': 'Escriba un importe en {currency} con {decimals} decimales como máximo (por ejemplo {example}), sin separadores de miles.',
    'v.currency': 'Elija una moneda de la lista.',
    'v.currencyNeeded': 'Elija la moneda del presupuesto.',
    'v.oneOf': 'Elija uno de estos valores: {values}.',
    'v.unknownChoice': 'Elija de la lista; «{value}» no es una de las opciones.',
    'v.dateOrder': 'La fecha de fin es anterior a la fecha de inicio ({from}).',
    'v.format': 'Revise el formato: {hint}.',
  },
  ru: {
    'v.amount': 'Укажите сумму в {currency} не более чем с {decimals} знаками после точки (например, {example}), без разделителей разрядов.',
    'v.currency': 'Выберите валюту из списка.',
    'v.currencyNeeded': 'Выберите валюту бюджета.',
    'v.oneOf': 'Выберите одно из значений: {values}.',
    'v.unknownChoice': 'Выберите из списка: «{value}» в нем нет.',
    'v.dateOrder': 'Дата окончания раньше даты начала ({from}).',
    'v.format': 'Проверьте формат: {hint}.',
  },
  ar: {
    'v.amount': 'يُرجى إدخال مبلغ بعملة {currency} بعدد من المنازل العشرية لا يتجاوز {decimals} (مثل {example})، من دون فواصل للآلاف.',
    'v.currency': 'يُرجى اختيار عملة من القائمة.',
    'v.currencyNeeded': 'يُرجى اختيار عملة الميزانية.',
    'v.oneOf': 'يُرجى اختيار إحدى القيم التالية: {values}.',
    'v.unknownChoice': 'يُرجى الاختيار من القائمة؛ «{value}» ليست من الخيارات.',
    'v.dateOrder': 'تاريخ الانتهاء يسبق تاريخ البدء ({from}).',
    'v.format': 'يُرجى التحقق من الصيغة: {hint}.',
  },
  zh: {
    'v.amount': '请输入以 {currency} 计的金额，小数不超过 {decimals} 位（例如 {example}），不要使用千位分隔符。',
    'v.currency': '请从列表中选择货币。',
    'v.currencyNeeded': '请选择预算的货币。',
    'v.oneOf': '请从以下值中选择一个：{values}。',
    'v.unknownChoice': '请从列表中选择；“{value}”不在选项中。',
    'v.dateOrder': '结束日期早于开始日期（{from}）。',
    'v.format': '请检查格式：{hint}。',
  },
});
