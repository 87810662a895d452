import type { Lang, Modality } from '../../matching/types.js';

/**
 * The words for each delivery modality in the six languages, so a search for "formation" or "培训"
 * finds a request for training whichever language it was filed in. The matching engine's lexicon
 * covers thematic fields, not modalities (they are a structured field of requests and offerings),
 * hence this short list of the product's own. Each phrase is analysed by the engine (analyze()).
 */
export const MODALITY_WORDS: Record<Modality, Record<Lang, string[]>> = {
  training: {
    en: ['training', 'train', 'capacity building'], fr: ['formation', 'former', 'renforcement des capacités'],
    es: ['formación', 'capacitación', 'entrenamiento'], ru: ['обучение', 'подготовка', 'тренинг'],
    ar: ['تدريب', 'بناء القدرات'], zh: ['培训', '训练', '能力建设'],
  },
  workshop: {
    en: ['workshop', 'seminar'], fr: ['atelier', 'séminaire'], es: ['taller', 'seminario'],
    ru: ['семинар', 'практикум'], ar: ['حلقة عمل', 'ورشة عمل'], zh: ['讲习班', '研讨会'],
  },
  mentoring: {
    en: ['mentoring', 'mentor', 'coaching'], fr: ['mentorat', 'tutorat', 'accompagnement'], es: ['mentoría', 'tutoría'],
    ru: ['наставничество'], ar: ['توجيه', 'إرشاد'], zh: ['指导', '辅导'],
  },
  legislative_drafting: {
    en: ['legislative drafting', 'draft law', 'legislation'], fr: ['rédaction législative', 'projet de loi', 'législation'],
    es: ['redacción legislativa', 'proyecto de ley', 'legislación'], ru: ['законопроект', 'законодательство'],
    ar: ['صياغة تشريعية', 'مشروع قانون', 'تشريع'], zh: ['立法起草', '法律草案', '立法'],
  },
  advisory_mission: {
    en: ['advisory mission', 'advice', 'expert mission'], fr: ['mission consultative', 'conseil', "mission d'experts"],
    es: ['misión de asesoramiento', 'asesoramiento'], ru: ['консультативная миссия', 'консультации'],
    ar: ['بعثة استشارية', 'مشورة'], zh: ['咨询团', '咨询'],
  },
  assessment: {
    en: ['assessment', 'evaluation'], fr: ['évaluation', 'diagnostic'], es: ['evaluación', 'diagnóstico'],
    ru: ['оценка'], ar: ['تقييم'], zh: ['评估'],
  },
  equipment: {
    en: ['equipment'], fr: ['équipement', 'matériel'], es: ['equipo', 'equipamiento'], ru: ['оборудование'], ar: ['معدات'], zh: ['设备'],
  },
  funding: {
    en: ['funding', 'grant'], fr: ['financement', 'subvention'], es: ['financiación', 'subvención'], ru: ['финансирование', 'грант'],
    ar: ['تمويل', 'منحة'], zh: ['资金', '资助'],
  },
};
