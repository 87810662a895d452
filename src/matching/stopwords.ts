import type { Lang } from './types.js';

// Small, hand-kept lists: function words plus the boilerplate of assistance
// requests ("request", "support", "assistance", "priority") that every document shares and
// that would otherwise dominate short-text similarity; "internal" (fr interne, es interno) stems to the
// English stem of "international" and so matched any international programme. Latin entries are
// accent-folded because stop words are checked after folding; Arabic entries
// are in normalised form (see normalizeArabic).
const RAW: Record<Lang, string> = {
  en: `a an the and or of for to in on at by with from into as is are was were be been being this that these those
    it its our we us their they them his her which who whom what when where how all any some such not no nor than
    then so also can could may might will would shall should must has have had do does did about over under between
    within across per via other more most very including include includes e.g i.e etc
    request requests requesting assistance support supporting provide provides providing help seek seeks seeking
    please priority priorities internal`,
  fr: `a au aux avec ce ces cet cette dans de des du d elle en et est etre il ils je l la le les leur leurs lui ma mais
    me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous c s n j y afin ainsi aupres dont entre sont ete sera leurs comme plus tres tout tous toute toutes
    demande demandons sollicite sollicitons appui soutien aide assistance prioritaire prioritaires priorité priorités interne
    internes`,
  es: `a al con de del el en es la las lo los para por que se su sus un una unos unas y o u e como mas pero sus le les
    nos nuestro nuestra nuestros nuestras este esta estos estas ese esa sobre entre sin tambien muy ser son fue han ha
    hemos solicita solicitamos solicitud apoyo ayuda asistencia prioritario prioritaria prioritarios prioritarias
    prioridad prioridades interno interna internos internas`,
  ru: `и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
    еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там
    потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без будто чего раз тоже
    себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее
    сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про
    всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им
    более всегда конечно всю между наш наша наши нашей нашего просим просит просьба помощь поддержка содействие
    оказание приоритетных приоритетные приоритетным приоритет приоритеты`,
  ar: `في من على الى عن مع هذا هذه ذلك تلك التي الذي الذين و او ثم ان انه لا لم لن ما كما قد كل بين عند حتى بعد قبل
    اي هو هي هم نحن كان كانت يكون تكون لدى لدينا به بها له لها فيه فيها منه منها عليه اليه ايضا غير نطلب يطلب طلب
    طلبات مساعده دعم تقديم ذات ذو ذوات الاولويه اولويه`,
  zh: `的 了 和 与 及 或 在 对 为 是 把 被 从 向 以 于 之 其 这 那 这些 那些 我们 我国 本国 他们 一个 进行 有关 方面 等 并 也
    请求 申请 希望 提供 支持 协助 援助 帮助 优先`,
};

export const STOPWORDS: Record<Lang, ReadonlySet<string>> = Object.fromEntries(
  (Object.keys(RAW) as Lang[]).map((lang) => [lang, new Set(RAW[lang].split(/\s+/).filter(Boolean))]),
) as unknown as Record<Lang, ReadonlySet<string>>;

// Words every request uses, whatever it asks for: the state and its government, studies, needs,
// sectors and fields, systems, "technical", "identify", a review it carries out, the "expression" of its
// needs (alone not freedom of expression). Some of them are words of one area's terms
// ("technical assistance needs" is CTED's assessment vocabulary), so alone they would count as
// evidence for that area; they never do (concepts.tagger.ts, single-word evidence). Whole terms
// that contain them still count. Raw words, analysed like the terms.
const GENERIC: Record<Lang, string> = {
  en: `government governments ministry national country countries state states study studies survey need needs needed
    require requires required technical sector sectors area areas field fields domain domains identify identifying
    identification way ways appropriate consider considering carry carrying out complete completed later future system systems
    review expression general`,
  fr: `gouvernement gouvernements ministère national nationale nationaux pays état états étude études enquête recensement
    besoin besoins nécessaire technique techniques secteur secteurs domaine domaines identifier identification manière
    façon approprié appropriée ultérieurement souhaitable connaître système systèmes examen procède
    procéder expression général générale généraux`,
  es: `gobierno gobiernos ministerio nacional nacionales país países estado estados estudio estudios encuesta necesidad
    necesidades necesario técnica técnico técnicas sector sectores ámbito ámbitos área áreas identificar identificación
    manera forma apropiada posteriormente sistema sistemas examen procede proceder expresión general generales`,
  ru: `правительство правительства министерство национальный национальная национальные страна страны государство
    государства исследование изучение обследование потребность потребности необходимо технический техническая
    технической сектор сектора секторы область области сфера сферы определить выявить выявление способ позднее
    система системы системой помощи помощью запрос запроса запросы`,
  ar: `الحكومة حكومة وزارة الوطنية الوطني البلد البلدان الدولة الدول دراسة مسح احتياجات الاحتياجات حاجة التقنية
    التقني الفنية قطاع القطاعات مجال المجالات تحديد طريقة لاحقا نظام أنظمة منظومة جهاز أجهزة جهة الجهات المختصة
    السلطات المعنية المساعدة مساعدة`,
  zh: `政府 国家 本国 研究 调查 需求 需要 技术 部门 领域 方面 确定 查明 方式 今后 以后 系统 体系 技术援助 技术支持 评估`,
};

/** Words that never count as single-word area evidence (see GENERIC). */
export const GENERIC_WORDS: Record<Lang, readonly string[]> = Object.fromEntries(
  (Object.keys(GENERIC) as Lang[]).map((lang) => [lang, GENERIC[lang].split(/\s+/).filter(Boolean)]),
) as unknown as Record<Lang, readonly string[]>;
