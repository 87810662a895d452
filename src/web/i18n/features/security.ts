import { defineFeature } from '../define-feature.js';

/** What the web interface says when a rate limit refuses a page (issue 11, items 7 and 8). */
export const security = defineFeature({
  'security.tooManyTitle': 'Too many requests',
  'security.tooMany': 'Too many requests came from here in the last minute. Wait {seconds} seconds, then try again.',
}, {
  fr: {
    'security.tooManyTitle': 'Trop de requêtes',
    'security.tooMany': 'Trop de requêtes sont venues d’ici au cours de la dernière minute. Attendez {seconds} secondes, puis réessayez.',
  },
  es: {
    'security.tooManyTitle': 'Demasiadas solicitudes',
    'security.tooMany': 'Se recibieron demasiadas solicitudes desde aquí en el último minuto. Espere {seconds} segundos y vuelva a intentarlo.',
  },
  ru: {
    'security.tooManyTitle': 'Слишком много запросов',
    'security.tooMany': 'За последнюю минуту отсюда пришло слишком много запросов. Подождите {seconds} с и повторите попытку.',
  },
  ar: {
    'security.tooManyTitle': 'طلبات كثيرة جدًا',
    'security.tooMany': 'وصلت من هنا طلبات كثيرة جدًا خلال الدقيقة الماضية. انتظر {seconds} ثانية ثم حاول مرة أخرى.',
  },
  zh: {
    'security.tooManyTitle': '请求过多',
    'security.tooMany': '过去一分钟内从此处发出的请求过多。请等待 {seconds} 秒后重试。',
  },
});
