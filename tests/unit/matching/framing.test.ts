import { describe, expect, it } from 'vitest';
import { profileText } from '../../../src/matching/classify.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { areaConcepts, ConceptTagger } from '../../../src/matching/concepts.tagger.js';
import { framedSegments } from '../../../src/matching/framing.js';
import { AREAS } from './areas.fixture.js';

const tagger = new ConceptTagger([...areaConcepts(AREAS), ...FINE_CONCEPTS]);

describe('framing clauses: the legal or programme basis a request cites in passing', () => {
  const framed = (text: string, lang: Parameters<typeof framedSegments>[1]) => framedSegments(text, lang).filter((s) => s.framed).map((s) => s.text);

  it('finds the clause a framing phrase governs, up to its punctuation, in the six languages', () => {
    expect(framed('Training for customs officers, in accordance with resolution 1540, on dual-use goods.', 'en')).toEqual(['in accordance with resolution 1540']);
    expect(framed("Dans le cadre du Plan intégré d'appui, la Douane déploie des portiques.", 'fr')).toEqual(["Dans le cadre du Plan intégré d'appui"]);
    expect(framed('En el marco de la Convención; se solicita capacitación.', 'es')).toEqual(['En el marco de la Convención']);
    expect(framed('В рамках резолюции 1540, просим помочь.', 'ru')).toEqual(['В рамках резолюции 1540']);
    expect(framed('توعية الجهات المعنية، وفقا لقرار مجلس الأمن 1540.', 'ar')).toEqual(['وفقا لقرار مجلس الأمن 1540']);
    expect(framed('根据第1540号决议，我国请求协助。', 'zh')).toEqual(['根据第1540号决议']);
    // Segments always give back the whole text.
    const text = 'A, pursuant to B; C in line with D.';
    expect(framedSegments(text, 'en').map((s) => s.text).join('')).toBe(text);
    expect(framed('Legal framework for witness protection', 'en')).toEqual([]);
    // A frame that would cover most of the text is the request itself.
    expect(framed('В рамках программы ИНССП просим обучить сотрудников таможни обнаружению радиоактивных материалов.', 'ru')).toEqual([]);
  });

  it('reads "in support of implementing <instrument>" as a framing clause in the six languages', () => {
    for (const [lang, text, frame] of [
      ['en', 'A workshop on chemical security, in support of the implementation of the Chemical Weapons Convention.', 'in support of the implementation of the Chemical Weapons Convention'],
      ['fr', 'Un atelier sur la sûreté chimique, à l’appui de la mise en œuvre de la Convention.', 'à l’appui de la mise en œuvre de la Convention'],
      ['es', 'Un taller de seguridad química, en apoyo de la aplicación de la Convención.', 'en apoyo de la aplicación de la Convención'],
      ['ru', 'Семинар по химической безопасности, в поддержку осуществления Конвенции.', 'в поддержку осуществления Конвенции'],
      ['ar', 'ورشة في الأمن الكيميائي، دعماً لتطبيق اتفاقية حظر الأسلحة الكيميائية.', 'دعماً لتطبيق اتفاقية حظر الأسلحة الكيميائية'],
      ['zh', '举办化学安保研讨会，以支持执行《化学武器公约》。', '以支持执行《化学武器公约》'],
    ] as const) expect(framed(text, lang), lang).toEqual([frame]);
    // Support for a topic is the request itself, not its setting.
    expect(framed('Training in support of the national financial intelligence unit.', 'en')).toEqual([]);
  });

  it('counts a concept named only in a framing clause for less than the same concept asked for, and keeps its words out of the text query', () => {
    const asked = profileText(tagger, '', 'We ask for help with the Integrated Nuclear Security Support Plan.', 'en');
    const cited = profileText(tagger, '', 'Within the framework of the Integrated Nuclear Security Support Plan, we ask for radiation portal monitors.', 'en');
    expect(cited.fine.get('c:physical_protection')!).toBeLessThan(asked.fine.get('c:physical_protection')!);
    expect(cited.focus).toBeDefined();
    expect(cited.focus).not.toContain('integr');
    expect(cited.focus).toContain('radiat');
    expect(asked.focus).toBeUndefined();
  });
});

describe('framing in traditional Chinese', () => {
  it('finds the frame 依據 … as 依据 …', () => {
    const segs = framedSegments('本國正依據安理會第1540號決議，請求協助起草出口管制法規', 'zh');
    expect(segs.filter((s) => s.framed).map((s) => s.text)).toEqual(['依据安理会第1540号决议']);
  });
});
