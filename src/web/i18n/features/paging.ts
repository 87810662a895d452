import { defineFeature } from '../define-feature.js';

/** Keyset pagination of long lists (review queue, entity queue, inbox). */
export const paging = defineFeature({
  'paging.first': 'First page',
  'paging.more': 'More on the next page',
}, {
  fr: { 'paging.first': 'Première page', 'paging.more': 'Suite à la page suivante' },
  es: { 'paging.first': 'Primera página', 'paging.more': 'Más en la página siguiente' },
  ru: { 'paging.first': 'Первая страница', 'paging.more': 'Продолжение на следующей странице' },
  ar: { 'paging.first': 'الصفحة الأولى', 'paging.more': 'المزيد في الصفحة التالية' },
  zh: { 'paging.first': '第一页', 'paging.more': '下一页还有更多' },
});
