import type { ConceptDef } from './concepts.tagger.js';

// Finer-grained concepts inside the thematic areas, in the six languages.
// Area terms say *what field* a text is about; these say *which part of it*
// (an FIU, not NPO oversight; port facilities, not piracy), which is what
// ranks offerings inside one area when request and offering are written in
// different languages and share no words. Terms are written in natural form;
// they go through the same normalisation and stemming as texts, and Chinese
// terms are matched as substrings. Keep entries specific: a generic word here
// would pull unrelated offerings together.
export const FINE_CONCEPTS: ConceptDef[] = [
  // ── terrorist_financing ──
  {
    code: 'c:fiu',
    area: 'terrorist_financing',
    terms: {
      en: ['financial intelligence unit', 'financial intelligence units', 'FIU', 'financial intelligence', 'suspicious transaction reports', 'suspicious transaction reporting'],
      fr: ['cellule de renseignement financier', 'cellules de renseignement financier', 'CRF', 'renseignement financier', 'déclarations de soupçon', 'déclarations d’opérations suspectes', 'opérations suspectes', 'investigation financière'],
      es: ['unidad de inteligencia financiera', 'unidades de inteligencia financiera', 'UIF', 'inteligencia financiera', 'reportes de operaciones sospechosas', 'informes de transacciones sospechosas', 'declaraciones de sospecha', 'operaciones sospechosas', 'investigación financiera'],
      ru: ['подразделение финансовой разведки', 'подразделения финансовой разведки', 'ПФР', 'финансовой разведки', 'финансовая разведка', 'подозрительных операциях', 'подозрительных операций'],
      ar: ['وحدة الاستخبارات المالية', 'وحدة المعلومات المالية', 'وحدات الاستخبارات المالية', 'الاستخبارات المالية', 'المعاملات المشبوهة'],
      zh: ['金融情报中心', '金融情报机构', '金融情报单位', '金融情报', '可疑交易报告', '可疑交易'],
    },
  },
  {
    code: 'c:money_laundering',
    area: 'terrorist_financing',
    terms: {
      en: ['money laundering', 'anti-money laundering', 'AML/CFT', 'AML'],
      fr: ['blanchiment de capitaux', "blanchiment d'argent", 'LBC/FT', 'blanchiment'],
      es: ['lavado de activos', 'lavado de dinero', 'blanqueo de capitales', 'ALA/CFT'],
      ru: ['отмывание денег', 'отмывания денег', 'отмыванию денег', 'ПОД/ФТ', 'легализации доходов'],
      ar: ['غسل الأموال', 'مكافحة غسل الأموال', 'تبييض الأموال'],
      zh: ['洗钱', '反洗钱'],
    },
  },
  {
    code: 'c:npo',
    area: 'terrorist_financing',
    terms: {
      en: ['non-profit organizations', 'non-profit organisations', 'non-profit sector', 'nonprofit', 'NPO', 'NPOs', 'charities', 'charitable organizations'],
      fr: ['organismes à but non lucratif', 'organisations à but non lucratif', 'OBNL', 'secteur associatif', 'associations caritatives', 'organisations caritatives'],
      es: ['organizaciones sin fines de lucro', 'organizaciones sin ánimo de lucro', 'OSFL', 'entidades sin fines de lucro', 'organizaciones benéficas'],
      ru: ['некоммерческих организаций', 'некоммерческие организации', 'некоммерческого сектора', 'НКО', 'благотворительных организаций'],
      ar: ['المنظمات غير الربحية', 'المنظمات غير الهادفة للربح', 'القطاع غير الربحي', 'الجمعيات الخيرية'],
      zh: ['非营利组织', '非营利部门', '非营利', '慈善组织', '慈善机构'],
    },
  },
  {
    code: 'c:virtual_assets',
    area: 'terrorist_financing',
    terms: {
      en: ['virtual assets', 'virtual asset', 'cryptocurrency', 'cryptocurrencies', 'crypto-assets', 'crypto assets', 'VASPs', 'blockchain'],
      fr: ['actifs virtuels', 'cryptomonnaies', 'crypto-actifs', 'cryptoactifs', 'monnaies virtuelles', 'chaîne de blocs'],
      es: ['activos virtuales', 'criptomonedas', 'criptoactivos', 'monedas virtuales', 'cadena de bloques'],
      ru: ['виртуальных активов', 'виртуальные активы', 'криптовалют', 'криптовалюты', 'криптоактивов', 'блокчейн'],
      ar: ['الأصول الافتراضية', 'العملات المشفرة', 'العملات الرقمية', 'الأصول المشفرة', 'سلسلة الكتل'],
      zh: ['虚拟资产', '加密货币', '加密资产', '虚拟货币', '区块链'],
    },
  },
  {
    code: 'c:asset_freezing',
    area: null,
    terms: {
      en: ['asset freezing', 'freezing of assets', 'asset freeze', 'targeted financial sanctions', 'freeze assets'],
      fr: ['gel des avoirs', 'gel d’avoirs', 'sanctions financières ciblées'],
      es: ['congelación de activos', 'congelamiento de activos', 'sanciones financieras dirigidas'],
      ru: ['замораживание активов', 'замораживания активов', 'целевые финансовые санкции', 'целевых финансовых санкций'],
      ar: ['تجميد الأصول', 'تجميد الأموال', 'الجزاءات المالية المحددة الهدف'],
      zh: ['冻结资产', '资产冻结', '定向金融制裁'],
    },
  },
  {
    code: 'c:cash_couriers',
    area: 'terrorist_financing',
    terms: {
      en: ['cash couriers', 'cash smuggling', 'hawala', 'informal value transfer', 'money remittance', 'remittances'],
      fr: ['passeurs de fonds', "transport d'espèces", 'hawala', 'transferts de fonds informels', 'envois de fonds'],
      es: ['correos de efectivo', 'contrabando de efectivo', 'hawala', 'transferencias informales', 'remesas'],
      ru: ['курьеров наличных', 'перемещение наличных', 'хавала', 'неформальных переводов', 'денежных переводов'],
      ar: ['ناقلي النقد', 'تهريب النقد', 'الحوالة', 'التحويلات غير الرسمية', 'الحوالات المالية'],
      zh: ['现金携带', '现金走私', '哈瓦拉', '非正式汇款', '汇款'],
    },
  },
  // ── aviation_security ──
  {
    code: 'c:api_pnr',
    area: null,
    terms: {
      en: ['advance passenger information', 'passenger name record', 'passenger name records', 'API/PNR', 'PNR', 'passenger data'],
      fr: ['informations préalables sur les passagers', 'données des dossiers passagers', 'dossiers passagers', 'API/PNR', 'données passagers', 'données des passagers'],
      es: ['información anticipada sobre pasajeros', 'registro de nombres de pasajeros', 'registros de nombres de pasajeros', 'API/PNR', 'datos de pasajeros'],
      ru: ['предварительной информации о пассажирах', 'предварительная информация о пассажирах', 'записи регистрации пассажиров', 'данных о пассажирах', 'данные пассажиров'],
      ar: ['المعلومات المسبقة عن الركاب', 'سجلات أسماء الركاب', 'سجل أسماء الركاب', 'بيانات الركاب'],
      zh: ['预报旅客信息', '旅客订座记录', '旅客姓名记录', '旅客资料', '旅客信息', '乘客数据', '旅客数据'],
    },
  },
  {
    code: 'c:screening',
    area: 'aviation_security',
    terms: {
      en: ['passenger screening', 'hold baggage screening', 'security screening', 'screening equipment', 'x-ray screening', 'airport security'],
      fr: ['contrôle des passagers', 'inspection-filtrage', 'contrôles de sûreté', 'sûreté aéroportuaire', 'sûreté des aéroports'],
      es: ['inspección de pasajeros', 'inspección de equipaje', 'controles de seguridad', 'seguridad aeroportuaria', 'seguridad de los aeropuertos'],
      ru: ['досмотр пассажиров', 'досмотра пассажиров', 'досмотра багажа', 'авиационной безопасности аэропортов', 'безопасности аэропортов', 'безопасность аэропортов'],
      ar: ['تفتيش الركاب', 'فحص الأمتعة', 'التفتيش الأمني', 'أمن المطارات'],
      zh: ['旅客安检', '行李安检', '安全检查', '安检', '机场安保', '机场安全'],
    },
  },
  {
    code: 'c:drones',
    area: null,
    terms: {
      en: ['unmanned aircraft systems', 'unmanned aerial vehicles', 'drones', 'drone', 'UAS', 'counter-drone'],
      fr: ['systèmes d’aéronefs sans pilote', 'aéronefs sans pilote', 'drones', 'drone'],
      es: ['sistemas de aeronaves no tripuladas', 'aeronaves no tripuladas', 'drones', 'dron'],
      ru: ['беспилотных авиационных систем', 'беспилотные летательные аппараты', 'беспилотников', 'беспилотники', 'дронов'],
      ar: ['الطائرات بدون طيار', 'الطائرات المسيرة', 'المسيرات'],
      zh: ['无人机', '无人驾驶航空器'],
    },
  },
  {
    code: 'c:manpads',
    area: 'aviation_security',
    terms: {
      en: ['MANPADS', 'man-portable air defence systems', 'man-portable air defense systems'],
      fr: ['MANPADS', 'systèmes portatifs de défense aérienne'],
      es: ['MANPADS', 'sistemas portátiles de defensa antiaérea'],
      ru: ['ПЗРК', 'переносных зенитных ракетных комплексов'],
      ar: ['منظومات الدفاع الجوي المحمولة'],
      zh: ['便携式防空系统'],
    },
  },
  // ── travel_documents_border ──
  {
    code: 'c:document_fraud',
    area: 'travel_documents_border',
    terms: {
      en: ['document fraud', 'fraudulent documents', 'forged documents', 'fraudulent travel documents', 'document examination', 'identity fraud', 'forged passports'],
      fr: ['fraude documentaire', 'faux documents', 'documents frauduleux', 'documents de voyage frauduleux', 'examen des documents', 'fraude à l’identité', 'faux passeports'],
      es: ['fraude documental', 'documentos falsos', 'documentos fraudulentos', 'documentos de viaje fraudulentos', 'examen de documentos', 'fraude de identidad', 'pasaportes falsos'],
      ru: ['подделка документов', 'поддельных документов', 'поддельные документы', 'мошеннических документов', 'экспертизы документов', 'поддельных паспортов'],
      ar: ['تزوير الوثائق', 'الوثائق المزورة', 'وثائق السفر المزورة', 'فحص الوثائق', 'جوازات السفر المزورة', 'الاحتيال في الهوية'],
      zh: ['证件欺诈', '伪造证件', '欺诈性旅行证件', '伪造旅行证件', '证件检验', '身份欺诈', '伪造护照', '假护照'],
    },
  },
  {
    code: 'c:border_management',
    area: 'travel_documents_border',
    terms: {
      en: ['border management', 'border control', 'border guards', 'border security', 'border crossing points', 'border posts'],
      fr: ['gestion des frontières', 'contrôle aux frontières', 'garde-frontières', 'sécurité des frontières', 'postes frontières', 'points de passage frontaliers'],
      es: ['gestión de fronteras', 'control fronterizo', 'guardias fronterizos', 'seguridad fronteriza', 'pasos fronterizos', 'puestos fronterizos'],
      ru: ['управление границами', 'пограничного контроля', 'пограничный контроль', 'пограничников', 'безопасности границ', 'пунктов пропуска'],
      ar: ['إدارة الحدود', 'مراقبة الحدود', 'حرس الحدود', 'أمن الحدود', 'المعابر الحدودية', 'المنافذ الحدودية'],
      zh: ['边境管理', '边境管控', '边境控制', '边防', '边境安全', '口岸'],
    },
  },
  {
    code: 'c:biometrics',
    area: null,
    terms: {
      en: ['biometrics', 'biometric', 'fingerprints', 'facial recognition'],
      fr: ['biométrie', 'biométriques', 'biométrique', 'empreintes digitales', 'reconnaissance faciale'],
      es: ['biometría', 'biométricos', 'biométrica', 'huellas dactilares', 'reconocimiento facial'],
      ru: ['биометрии', 'биометрических', 'биометрические', 'отпечатков пальцев', 'распознавания лиц'],
      ar: ['القياسات الحيوية', 'البيانات البيومترية', 'البصمات', 'بصمات الأصابع', 'التعرف على الوجه'],
      zh: ['生物识别', '生物特征', '指纹', '人脸识别'],
    },
  },
  {
    code: 'c:ftf',
    area: null,
    terms: {
      en: ['foreign terrorist fighters', 'foreign terrorist fighter', 'FTFs', 'FTF', 'returnees'],
      fr: ['combattants terroristes étrangers', 'combattant terroriste étranger', 'CTE', 'rapatriés', 'revenants'],
      es: ['combatientes terroristas extranjeros', 'combatiente terrorista extranjero', 'CTE', 'retornados'],
      ru: ['иностранных боевиков-террористов', 'иностранные боевики-террористы', 'иностранных боевиков', 'возвращающихся боевиков'],
      ar: ['المقاتلين الإرهابيين الأجانب', 'المقاتلون الإرهابيون الأجانب', 'المقاتلين الأجانب', 'العائدين'],
      zh: ['外国恐怖主义战斗人员', '外国恐怖战斗人员', '外国战斗人员', '回返者'],
    },
  },
  // ── maritime_security ──
  {
    code: 'c:port_security',
    area: 'maritime_security',
    terms: {
      en: ['ISPS Code', 'ISPS', 'port facility security', 'port facilities', 'port security', 'ship security'],
      fr: ['Code ISPS', 'sûreté des installations portuaires', 'installations portuaires', 'sûreté portuaire', 'sûreté des navires'],
      es: ['Código PBIP', 'PBIP', 'protección de las instalaciones portuarias', 'instalaciones portuarias', 'seguridad portuaria', 'protección de buques'],
      ru: ['Кодекс ОСПС', 'ОСПС', 'охраны портовых средств', 'портовых средств', 'безопасности портов', 'охраны судов'],
      ar: ['المدونة الدولية لأمن السفن والمرافق المينائية', 'أمن المرافق المينائية', 'المرافق المينائية', 'أمن الموانئ', 'أمن السفن'],
      zh: ['国际船舶和港口设施保安规则', '港口设施保安', '港口设施', '港口安全', '船舶保安'],
    },
  },
  {
    code: 'c:piracy',
    area: 'maritime_security',
    terms: {
      en: ['piracy', 'armed robbery at sea', 'maritime domain awareness', 'coast guard'],
      fr: ['piraterie', 'vols à main armée en mer', 'connaissance du domaine maritime', 'garde-côtes'],
      es: ['piratería', 'robo a mano armada en el mar', 'conocimiento del dominio marítimo', 'guardacostas'],
      ru: ['пиратство', 'пиратства', 'вооруженного разбоя на море', 'осведомленности о морской обстановке', 'береговой охраны'],
      ar: ['القرصنة', 'السطو المسلح في البحر', 'الوعي بالمجال البحري', 'خفر السواحل'],
      zh: ['海盗', '海上持械抢劫', '海域态势感知', '海岸警卫'],
    },
  },
  // ── customs ──
  {
    code: 'c:cargo',
    area: 'customs',
    terms: {
      en: ['container control', 'cargo', 'containers', 'supply chain security', 'risk management', 'risk profiling'],
      fr: ['contrôle des conteneurs', 'fret', 'conteneurs', "sécurité de la chaîne d'approvisionnement", 'gestion des risques', 'profilage des risques'],
      es: ['control de contenedores', 'carga', 'contenedores', 'seguridad de la cadena de suministro', 'gestión de riesgos', 'perfiles de riesgo'],
      ru: ['контроля контейнеров', 'грузов', 'контейнеров', 'безопасности цепи поставок', 'управления рисками', 'профилирования рисков'],
      ar: ['مراقبة الحاويات', 'البضائع', 'الحاويات', 'أمن سلسلة الإمداد', 'إدارة المخاطر'],
      zh: ['集装箱管控', '货物', '集装箱', '供应链安全', '风险管理', '风险分析'],
    },
  },
  {
    code: 'c:small_arms',
    area: null,
    terms: {
      en: ['small arms and light weapons', 'small arms', 'SALW', 'firearms', 'illicit arms trafficking', 'weapons trafficking'],
      fr: ['armes légères et de petit calibre', 'armes légères', 'ALPC', 'armes à feu', "trafic d'armes"],
      es: ['armas pequeñas y ligeras', 'armas pequeñas', 'APAL', 'armas de fuego', 'tráfico de armas', 'tráfico ilícito de armas'],
      ru: ['стрелкового оружия и легких вооружений', 'стрелкового оружия', 'огнестрельного оружия', 'незаконного оборота оружия', 'торговли оружием'],
      ar: ['الأسلحة الصغيرة والأسلحة الخفيفة', 'الأسلحة الصغيرة', 'الأسلحة النارية', 'الاتجار بالأسلحة', 'تهريب الأسلحة'],
      zh: ['小武器和轻武器', '小武器', '轻武器', '枪支', '武器贩运', '非法武器贩运'],
    },
  },
  {
    code: 'c:strategic_trade',
    area: 'wmd_nonproliferation',
    terms: {
      en: ['strategic trade controls', 'export controls', 'export control', 'dual-use goods', 'dual-use items', 'dual use'],
      fr: ['contrôle des échanges stratégiques', "contrôles à l'exportation", 'contrôle des exportations', 'biens à double usage', 'double usage'],
      es: ['controles del comercio estratégico', 'controles de exportación', 'control de exportaciones', 'bienes de doble uso', 'doble uso'],
      ru: ['контроля стратегической торговли', 'экспортного контроля', 'экспортный контроль', 'товаров двойного назначения', 'двойного назначения'],
      ar: ['ضوابط التجارة الاستراتيجية', 'الرقابة على الصادرات', 'مراقبة الصادرات', 'السلع ذات الاستخدام المزدوج', 'الاستخدام المزدوج'],
      zh: ['战略贸易管制', '出口管制', '两用物项', '军民两用', '两用'],
    },
  },
  // ── nuclear / radiological ──
  {
    code: 'c:radiation_detection',
    area: 'nuclear_security',
    terms: {
      en: ['radiation detection', 'radiation portal monitors', 'radiological', 'radioactive sources', 'radioactive material', 'nuclear material'],
      fr: ['détection des rayonnements', 'portiques de détection', 'radiologiques', 'sources radioactives', 'matières radioactives', 'matières nucléaires'],
      es: ['detección de radiación', 'pórticos de detección de radiación', 'radiológicos', 'fuentes radiactivas', 'material radiactivo', 'material nuclear', 'materiales nucleares'],
      ru: ['обнаружения радиации', 'радиационного контроля', 'радиологических', 'радиоактивных источников', 'радиоактивных материалов', 'ядерных материалов'],
      ar: ['الكشف عن الإشعاع', 'أجهزة رصد الإشعاع', 'الإشعاعية', 'المصادر المشعة', 'المواد المشعة', 'المواد النووية'],
      zh: ['辐射探测', '辐射监测', '放射性', '放射源', '放射性物质', '核材料'],
    },
  },
  // ── chemical / biological ──
  {
    code: 'c:chemical_security',
    area: 'chemical_weapons',
    terms: {
      en: ['chemical security', 'toxic chemicals', 'chemical precursors', 'chemical weapons convention', 'chemical incident'],
      fr: ['sécurité chimique', 'produits chimiques toxiques', 'précurseurs chimiques', 'convention sur les armes chimiques', 'incident chimique'],
      es: ['seguridad química', 'sustancias químicas tóxicas', 'precursores químicos', 'convención sobre las armas químicas', 'incidente químico'],
      ru: ['химической безопасности', 'токсичных химикатов', 'химических прекурсоров', 'конвенции о химическом оружии', 'химического инцидента'],
      ar: ['الأمن الكيميائي', 'المواد الكيميائية السامة', 'السلائف الكيميائية', 'اتفاقية الأسلحة الكيميائية', 'حادث كيميائي'],
      zh: ['化学安保', '化学安全', '有毒化学品', '化学前体', '禁止化学武器公约', '化学事件'],
    },
  },
  {
    code: 'c:biosecurity',
    area: 'biological_threats',
    terms: {
      en: ['biosecurity', 'biosafety', 'laboratory biosafety', 'pathogens', 'disease outbreak', 'biological agents'],
      fr: ['biosécurité', 'biosûreté', 'agents pathogènes', 'pathogènes', 'flambée épidémique', 'agents biologiques'],
      es: ['bioseguridad', 'bioprotección', 'patógenos', 'agentes patógenos', 'brote epidémico', 'agentes biológicos'],
      ru: ['биобезопасности', 'биозащиты', 'патогенов', 'вспышки заболеваний', 'биологических агентов'],
      ar: ['الأمن البيولوجي', 'السلامة البيولوجية', 'مسببات الأمراض', 'تفشي الأمراض', 'العوامل البيولوجية'],
      zh: ['生物安保', '生物安全', '病原体', '疫情暴发', '生物制剂'],
    },
  },
  // ── internet_misuse / ICT ──
  {
    code: 'c:online_content',
    area: 'internet_misuse',
    terms: {
      en: ['terrorist content online', 'online content', 'social media', 'content moderation', 'online propaganda', 'online platforms'],
      fr: ['contenus terroristes en ligne', 'contenus en ligne', 'réseaux sociaux', 'modération des contenus', 'propagande en ligne', 'plateformes en ligne'],
      es: ['contenidos terroristas en línea', 'contenidos en línea', 'redes sociales', 'moderación de contenidos', 'propaganda en línea', 'plataformas en línea'],
      ru: ['террористического контента', 'контента в интернете', 'социальных сетях', 'социальные сети', 'модерации контента', 'пропаганды в интернете', 'онлайн-платформ'],
      ar: ['المحتوى الإرهابي على الإنترنت', 'المحتوى على الإنترنت', 'وسائل التواصل الاجتماعي', 'الإشراف على المحتوى', 'الدعاية على الإنترنت', 'المنصات الإلكترونية'],
      zh: ['网络恐怖内容', '恐怖主义内容', '网络内容', '社交媒体', '内容审核', '网络宣传', '网络平台'],
    },
  },
  {
    code: 'c:digital_evidence',
    area: 'internet_misuse',
    terms: {
      en: ['electronic evidence', 'digital evidence', 'e-evidence', 'digital forensics', 'cyber forensics', 'open-source intelligence', 'OSINT'],
      fr: ['preuves électroniques', 'preuve électronique', 'preuves numériques', 'criminalistique numérique', 'investigation numérique', 'renseignement de source ouverte'],
      es: ['pruebas electrónicas', 'prueba electrónica', 'evidencia digital', 'pruebas digitales', 'informática forense', 'análisis forense digital', 'inteligencia de fuentes abiertas'],
      ru: ['электронных доказательств', 'электронные доказательства', 'цифровых доказательств', 'цифровой криминалистики', 'компьютерной криминалистики', 'разведки по открытым источникам'],
      ar: ['الأدلة الإلكترونية', 'الأدلة الرقمية', 'الأدلة الجنائية الرقمية', 'التحليل الجنائي الرقمي', 'الاستخبارات مفتوحة المصدر'],
      zh: ['电子证据', '数字证据', '数字取证', '电子取证', '开源情报'],
    },
  },
  {
    code: 'c:critical_infrastructure',
    area: 'vulnerable_targets',
    terms: {
      en: ['critical infrastructure', 'critical infrastructures', 'energy infrastructure', 'cyber-attacks', 'cyberattacks'],
      fr: ['infrastructures critiques', 'infrastructure critique', 'infrastructures énergétiques', 'cyberattaques'],
      es: ['infraestructura crítica', 'infraestructuras críticas', 'infraestructura energética', 'ciberataques'],
      ru: ['критической инфраструктуры', 'критически важной инфраструктуры', 'критически важных объектов', 'энергетической инфраструктуры', 'кибератак'],
      ar: ['البنية التحتية الحيوية', 'البنى التحتية الحيوية', 'الهجمات السيبرانية'],
      zh: ['关键基础设施', '能源基础设施', '网络攻击'],
    },
  },
  {
    code: 'c:soft_targets',
    area: 'vulnerable_targets',
    terms: {
      en: ['soft targets', 'crowded places', 'public spaces', 'places of worship', 'shopping centres', 'transport hubs', 'hostile reconnaissance', 'hostile surveillance'],
      fr: ['cibles vulnérables', 'cibles faciles', 'lieux publics', 'espaces publics', 'lieux de culte', 'lieux très fréquentés', 'centres commerciaux', 'pôles de transport', 'repérages hostiles', 'surveillance hostile'],
      es: ['objetivos vulnerables', 'blancos fáciles', 'lugares concurridos', 'espacios concurridos', 'espacios públicos', 'lugares de culto', 'centros comerciales', 'nodos de transporte', 'reconocimiento hostil', 'vigilancia hostil'],
      ru: ['уязвимых объектов', 'уязвимые объекты', 'мест массового пребывания', 'мест массового скопления людей', 'общественных мест', 'мест отправления культа', 'торговых центров', 'транспортных узлов', 'враждебной разведки', 'враждебного наблюдения'],
      ar: ['الأهداف السهلة', 'الأهداف الضعيفة', 'الأماكن المزدحمة', 'الأماكن العامة', 'أماكن العبادة', 'المراكز التجارية', 'محطات النقل', 'الاستطلاع العدائي', 'المراقبة العدائية'],
      zh: ['软目标', '人员密集场所', '人流密集', '公共场所', '宗教场所', '礼拜场所', '购物中心', '商业区', '交通枢纽', '踩点侦察', '敌对侦察'],
    },
  },
  {
    code: 'c:major_events',
    area: 'vulnerable_targets',
    // Major events are often the setting of another topic (a radiological
    // threat, a drone threat): weak evidence for the area itself.
    areaWeight: 0.3,
    terms: {
      en: ['major events', 'major sporting events', 'sports tournaments', 'tournament', 'summits', 'mass gatherings', 'festivals', 'Olympic Games', 'fan zones', 'stadiums'],
      fr: ['grands événements', 'grandes manifestations sportives', 'tournois sportifs', 'tournoi', 'sommets', 'rassemblements de masse', 'festivals', 'Jeux olympiques', 'zones de supporters', 'stades'],
      es: ['grandes eventos', 'grandes eventos deportivos', 'torneos deportivos', 'torneo', 'cumbres', 'concentraciones masivas', 'festivales', 'Juegos Olímpicos', 'zonas de aficionados', 'estadios'],
      ru: ['крупных мероприятий', 'крупных спортивных мероприятий', 'спортивных турниров', 'турнира', 'саммитов', 'массовых мероприятий', 'фестивалей', 'Олимпийских игр', 'фан-зон', 'стадионов'],
      ar: ['الأحداث الكبرى', 'الأحداث الرياضية الكبرى', 'البطولات الرياضية', 'البطولة', 'القمم', 'التجمعات الجماهيرية', 'المهرجانات', 'الألعاب الأولمبية', 'مناطق المشجعين', 'الملاعب'],
      zh: ['大型活动', '大型体育赛事', '体育赛事', '锦标赛', '峰会', '大规模集会', '节庆活动', '奥运会', '球迷区', '体育场'],
    },
  },
  // ── violent_extremism ──
  {
    code: 'c:prisons',
    area: null,
    terms: {
      en: ['prison', 'prisons', 'prison radicalization', 'prison radicalisation', 'violent extremist prisoners', 'correctional', 'prison staff'],
      fr: ['prison', 'prisons', 'milieu carcéral', 'radicalisation en prison', 'détenus extrémistes violents', 'administration pénitentiaire', 'personnel pénitentiaire'],
      es: ['prisiones', 'cárceles', 'penitenciario', 'penitenciarios', 'radicalización en las cárceles', 'reclusos extremistas violentos', 'personal penitenciario'],
      ru: ['тюрем', 'тюрьмах', 'пенитенциарных', 'пенитенциарной', 'радикализации в тюрьмах', 'заключенных-экстремистов', 'исправительных учреждений'],
      ar: ['السجون', 'السجن', 'التطرف في السجون', 'السجناء المتطرفين العنيفين', 'المؤسسات العقابية', 'موظفي السجون', 'الإصلاحيات'],
      zh: ['监狱', '狱中激进化', '暴力极端主义囚犯', '监狱工作人员', '矫正机构', '惩教'],
    },
  },
  {
    code: 'c:rehabilitation',
    area: 'violent_extremism',
    terms: {
      en: ['rehabilitation', 'reintegration', 'disengagement', 'deradicalization', 'deradicalisation'],
      fr: ['réhabilitation', 'réinsertion', 'désengagement', 'déradicalisation'],
      es: ['rehabilitación', 'reintegración', 'reinserción', 'desvinculación', 'desradicalización'],
      ru: ['реабилитации', 'реабилитация', 'реинтеграции', 'реинтеграция', 'дерадикализации'],
      ar: ['إعادة التأهيل', 'إعادة الإدماج', 'فك الارتباط', 'اجتثاث التطرف'],
      zh: ['改造', '康复', '重返社会', '重返社区', '重新融入', '去极端化'],
    },
  },
  {
    code: 'c:youth',
    area: null,
    terms: {
      en: ['youth', 'young people', 'schools', 'students'],
      fr: ['jeunes', 'jeunesse', 'écoles', 'élèves', 'étudiants'],
      es: ['jóvenes', 'juventud', 'escuelas', 'estudiantes'],
      ru: ['молодежи', 'молодежь', 'молодых людей', 'школ', 'учащихся', 'студентов'],
      ar: ['الشباب', 'المدارس', 'الطلاب'],
      zh: ['青年', '青少年', '年轻人', '学校', '学生'],
    },
  },
  {
    code: 'c:women_gender',
    area: null,
    terms: {
      en: ['gender', 'women', 'gender-sensitive'],
      fr: ['genre', 'femmes', 'égalité des sexes'],
      es: ['género', 'mujeres', 'perspectiva de género'],
      ru: ['гендерн', 'женщин', 'гендерные'],
      ar: ['النوع الاجتماعي', 'المرأة', 'النساء'],
      zh: ['性别', '妇女', '女性'],
    },
  },
  {
    code: 'c:community_engagement',
    area: 'violent_extremism',
    terms: {
      en: ['community engagement', 'community policing', 'religious leaders', 'civil society', 'community leaders'],
      fr: ['engagement communautaire', 'police de proximité', 'chefs religieux', 'société civile', 'leaders communautaires'],
      es: ['participación comunitaria', 'policía comunitaria', 'líderes religiosos', 'sociedad civil', 'líderes comunitarios'],
      ru: ['взаимодействия с общинами', 'общественной полиции', 'религиозных лидеров', 'гражданского общества', 'лидеров общин'],
      ar: ['إشراك المجتمعات', 'الشرطة المجتمعية', 'القادة الدينيين', 'المجتمع المدني', 'قادة المجتمع'],
      zh: ['社区参与', '社区警务', '宗教领袖', '民间社会', '社区领袖'],
    },
  },
  // ── criminal justice ──
  {
    code: 'c:prosecution',
    area: 'justice_reform',
    terms: {
      en: ['prosecutors', 'prosecution of terrorism cases', 'judges', 'adjudication', 'fair trial', 'criminal justice', 'admissibility of evidence', 'evidence gathering'],
      fr: ['procureurs', 'magistrats du parquet', 'juges', 'procès équitable', 'justice pénale', 'recevabilité des preuves', 'collecte des preuves'],
      es: ['fiscales', 'enjuiciamiento', 'jueces', 'juicio justo', 'justicia penal', 'admisibilidad de la prueba', 'recolección de pruebas'],
      ru: ['прокуроров', 'прокуратуры', 'судей', 'справедливого судебного разбирательства', 'уголовного правосудия', 'допустимости доказательств', 'сбора доказательств'],
      ar: ['المدعين العامين', 'النيابة العامة', 'وكلاء النيابة', 'الادعاء', 'القضاة', 'المحاكمة العادلة', 'العدالة الجنائية', 'مقبولية الأدلة', 'جمع الأدلة'],
      zh: ['检察官', '检察机关', '法官', '公正审判', '刑事司法', '证据可采性', '收集证据'],
    },
  },
  {
    code: 'c:mla_extradition',
    area: 'legal_framework',
    terms: {
      en: ['mutual legal assistance', 'extradition', 'international cooperation in criminal matters', 'central authority'],
      fr: ['entraide judiciaire', 'extradition', 'coopération internationale en matière pénale', 'autorité centrale'],
      es: ['asistencia judicial recíproca', 'extradición', 'cooperación internacional en asuntos penales', 'autoridad central'],
      ru: ['взаимной правовой помощи', 'взаимная правовая помощь', 'экстрадиции', 'выдачи', 'международного сотрудничества по уголовным делам', 'центрального органа'],
      ar: ['المساعدة القانونية المتبادلة', 'تسليم المطلوبين', 'تسليم المجرمين', 'التعاون الدولي في المسائل الجنائية', 'السلطة المركزية'],
      zh: ['司法协助', '引渡', '刑事事项国际合作', '中央机关'],
    },
  },
  {
    code: 'c:legislation',
    area: 'legal_framework',
    terms: {
      en: ['legislative drafting', 'draft law', 'draft legislation', 'counter-terrorism law', 'penal code', 'criminalization', 'criminalisation', 'legislation'],
      fr: ['rédaction législative', 'projet de loi', 'loi antiterroriste', 'code pénal', 'incrimination', 'législation'],
      es: ['redacción legislativa', 'proyecto de ley', 'ley antiterrorista', 'código penal', 'tipificación', 'legislación'],
      ru: ['законопроекта', 'разработке законодательства', 'закона о противодействии терроризму', 'уголовного кодекса', 'криминализации', 'законодательства'],
      ar: ['الصياغة التشريعية', 'مشروع قانون', 'قانون مكافحة الإرهاب', 'قانون العقوبات', 'التجريم', 'التشريعات'],
      zh: ['立法起草', '法律草案', '反恐法', '刑法', '刑事定罪', '立法'],
    },
  },
  {
    code: 'c:special_investigative',
    area: 'justice_reform',
    terms: {
      en: ['special investigative techniques', 'undercover operations', 'interception', 'surveillance'],
      fr: ['techniques spéciales d’enquête', 'opérations d’infiltration', 'interception', 'surveillance'],
      es: ['técnicas especiales de investigación', 'operaciones encubiertas', 'interceptación', 'vigilancia'],
      ru: ['специальных методов расследования', 'негласных операций', 'перехвата', 'наблюдения'],
      ar: ['أساليب التحري الخاصة', 'العمليات السرية', 'الاعتراض', 'المراقبة'],
      zh: ['特殊侦查手段', '卧底行动', '截取', '监控'],
    },
  },
  {
    code: 'c:witnesses',
    area: 'witness_protection',
    terms: {
      en: ['witness protection', 'protection of witnesses', 'witnesses', 'informants', 'whistle-blowers'],
      fr: ['protection des témoins', 'témoins', 'informateurs', 'lanceurs d’alerte'],
      es: ['protección de testigos', 'testigos', 'informantes', 'denunciantes'],
      ru: ['защиты свидетелей', 'защита свидетелей', 'свидетелей', 'информаторов', 'заявителей о нарушениях'],
      ar: ['حماية الشهود', 'الشهود', 'المخبرين', 'المبلغين'],
      zh: ['证人保护', '保护证人', '证人', '线人', '举报人'],
    },
  },
  {
    code: 'c:victim_support',
    area: 'victims',
    terms: {
      en: ['victims of terrorism', 'victim support', 'assistance to victims', 'survivors', 'psychosocial support', 'compensation'],
      fr: ['victimes du terrorisme', 'soutien aux victimes', 'assistance aux victimes', 'survivants', 'soutien psychosocial', 'indemnisation'],
      es: ['víctimas del terrorismo', 'apoyo a las víctimas', 'asistencia a las víctimas', 'sobrevivientes', 'apoyo psicosocial', 'indemnización'],
      ru: ['жертв терроризма', 'поддержки жертв', 'помощи жертвам', 'пострадавших', 'психосоциальной поддержки', 'компенсации'],
      ar: ['ضحايا الإرهاب', 'دعم الضحايا', 'مساعدة الضحايا', 'الناجين', 'الدعم النفسي والاجتماعي', 'التعويض'],
      zh: ['恐怖主义受害者', '受害者支助', '援助受害者', '幸存者', '心理社会支持', '赔偿'],
    },
  },
  {
    code: 'c:law_enforcement',
    area: null,
    terms: {
      en: ['police', 'law enforcement', 'law enforcement officers', 'police officers'],
      fr: ['police', 'forces de l’ordre', 'services répressifs', 'policiers'],
      es: ['policía', 'fuerzas del orden', 'fuerzas de seguridad', 'policías', 'agentes del orden'],
      ru: ['полиции', 'правоохранительных органов', 'сотрудников полиции'],
      ar: ['الشرطة', 'أجهزة إنفاذ القانون', 'إنفاذ القانون', 'ضباط الشرطة'],
      zh: ['警察', '执法', '执法人员', '警务'],
    },
  },
  {
    code: 'c:national_strategy',
    area: null,
    terms: {
      en: ['national strategy', 'national action plan', 'national counter-terrorism strategy', 'action plan'],
      fr: ['stratégie nationale', "plan d'action national", "plan d'action"],
      es: ['estrategia nacional', 'plan de acción nacional', 'plan de acción'],
      ru: ['национальной стратегии', 'национальная стратегия', 'национального плана действий', 'плана действий'],
      ar: ['الاستراتيجية الوطنية', 'خطة العمل الوطنية', 'خطة عمل'],
      zh: ['国家战略', '国家行动计划', '行动计划'],
    },
  },
  {
    code: 'c:interpol_databases',
    area: null,
    terms: {
      en: ['INTERPOL databases', 'I-24/7', 'watchlists', 'watch lists', 'stolen and lost travel documents', 'SLTD', 'notices'],
      fr: ["bases de données d'INTERPOL", 'I-24/7', 'listes de surveillance', 'documents de voyage volés et perdus', 'notices'],
      es: ['bases de datos de INTERPOL', 'I-24/7', 'listas de vigilancia', 'documentos de viaje robados y perdidos', 'notificaciones'],
      ru: ['баз данных Интерпола', 'I-24/7', 'списков наблюдения', 'похищенных и утерянных проездных документов', 'уведомлений'],
      ar: ['قواعد بيانات الإنتربول', 'I-24/7', 'قوائم المراقبة', 'وثائق السفر المسروقة والمفقودة', 'النشرات'],
      zh: ['国际刑警组织数据库', 'I-24/7', '监视名单', '观察名单', '被盗和遗失旅行证件', '通报'],
    },
  },
  // ── Specialised agencies: naming one is evidence for its field ──
  {
    code: 'c:icao',
    area: 'aviation_security',
    terms: {
      en: ['ICAO', 'International Civil Aviation Organization', 'USAP audit'],
      fr: ['OACI', 'Organisation de l’aviation civile internationale'],
      es: ['OACI', 'Organización de Aviación Civil Internacional'],
      ru: ['ИКАО', 'Международной организации гражданской авиации'],
      ar: ['الإيكاو', 'منظمة الطيران المدني الدولي'],
      zh: ['国际民航组织', '国际民用航空组织'],
    },
  },
  {
    code: 'c:imo',
    area: 'maritime_security',
    terms: {
      en: ['IMO', 'International Maritime Organization'],
      fr: ['OMI', 'Organisation maritime internationale'],
      es: ['OMI', 'Organización Marítima Internacional'],
      ru: ['ИМО', 'Международной морской организации'],
      ar: ['المنظمة البحرية الدولية'],
      zh: ['国际海事组织'],
    },
  },
  {
    code: 'c:wco',
    area: 'customs',
    terms: {
      en: ['WCO', 'World Customs Organization', 'SAFE Framework'],
      fr: ['OMD', 'Organisation mondiale des douanes', 'Cadre SAFE'],
      es: ['OMA', 'Organización Mundial de Aduanas', 'Marco SAFE'],
      ru: ['ВТамО', 'Всемирной таможенной организации', 'Рамочных стандартов SAFE'],
      ar: ['منظمة الجمارك العالمية', 'إطار سيف'],
      zh: ['世界海关组织', '全球贸易安全与便利标准框架'],
    },
  },
  {
    code: 'c:iaea',
    area: 'nuclear_security',
    terms: {
      en: ['IAEA', 'International Atomic Energy Agency'],
      fr: ['AIEA', 'Agence internationale de l’énergie atomique'],
      es: ['OIEA', 'Organismo Internacional de Energía Atómica'],
      ru: ['МАГАТЭ', 'Международного агентства по атомной энергии'],
      ar: ['الوكالة الدولية للطاقة الذرية'],
      zh: ['国际原子能机构'],
    },
  },
  {
    code: 'c:opcw',
    area: 'chemical_weapons',
    terms: {
      en: ['OPCW', 'Organisation for the Prohibition of Chemical Weapons'],
      fr: ['OIAC', 'Organisation pour l’interdiction des armes chimiques'],
      es: ['OPAQ', 'Organización para la Prohibición de las Armas Químicas'],
      ru: ['ОЗХО', 'Организации по запрещению химического оружия'],
      ar: ['منظمة حظر الأسلحة الكيميائية'],
      zh: ['禁止化学武器组织', '禁化武组织'],
    },
  },
  // ── Pillar I: conditions conducive, prevention ──
  {
    code: 'c:radicalisation',
    area: 'violent_extremism',
    terms: {
      en: ['radicalization', 'radicalisation', 'extremist ideology', 'extremist ideas', 'radicalized', 'radicalised', 'recruitment by terrorist groups'],
      fr: ['radicalisation', 'idéologie extrémiste', 'idées extrémistes', 'radicalisés', 'recrutement par des groupes terroristes'],
      es: ['radicalización', 'ideología extremista', 'ideas extremistas', 'radicalizados', 'reclutamiento por grupos terroristas'],
      ru: ['радикализации', 'экстремистской идеологии', 'экстремистских идей', 'радикализированных', 'вербовки в террористические группы'],
      ar: ['التطرف', 'الفكر المتطرف', 'الأفكار المتطرفة', 'المتطرفين', 'التجنيد في الجماعات الإرهابية'],
      zh: ['激进化', '极端思想', '极端主义思想', '极端化', '恐怖组织招募'],
    },
  },
  {
    code: 'c:conflict',
    area: 'conflict_prevention',
    terms: {
      en: ['armed clashes', 'intercommunal violence', 'intercommunal tensions', 'mediation', 'early warning', 'peacebuilding', 'conflict resolution', 'disputed border'],
      fr: ['affrontements armés', 'violences intercommunautaires', 'tensions intercommunautaires', 'médiation', 'alerte précoce', 'consolidation de la paix', 'règlement des conflits', 'frontière contestée'],
      es: ['enfrentamientos armados', 'violencia intercomunitaria', 'tensiones intercomunitarias', 'mediación', 'alerta temprana', 'consolidación de la paz', 'resolución de conflictos', 'frontera en disputa'],
      ru: ['вооруженные столкновения', 'вооружённые столкновения', 'межобщинного насилия', 'межобщинной напряженности', 'напряженности', 'посредничества', 'раннего предупреждения', 'миростроительства', 'урегулирования конфликтов', 'спорных участках границы'],
      ar: ['الاشتباكات المسلحة', 'العنف الطائفي', 'التوترات بين المجتمعات', 'الوساطة', 'الإنذار المبكر', 'بناء السلام', 'حل النزاعات', 'الحدود المتنازع عليها'],
      zh: ['武装冲突', '武装冲突事件', '社区间暴力', '紧张局势', '调解', '预警', '建设和平', '解决冲突', '争议边界'],
    },
  },
  {
    code: 'c:outreach',
    area: 'public_information',
    terms: {
      en: ['outreach campaign', 'awareness campaign', 'information campaign', 'media campaign', 'spokespersons', 'raise awareness', 'public awareness'],
      fr: ['campagne de sensibilisation', "campagne d'information", 'campagne médiatique', 'porte-parole', 'sensibiliser le public', 'sensibilisation du public'],
      es: ['campaña de sensibilización', 'campaña de difusión', 'campaña informativa', 'campaña mediática', 'portavoces', 'sensibilizar a la población', 'sensibilización pública'],
      ru: ['информационной кампании', 'информационную кампанию', 'разъяснительной работы', 'пресс-секретарей', 'повышения осведомленности', 'осведомленности населения'],
      ar: ['حملة إعلامية', 'حملة توعية', 'حملات التوعية', 'المتحدثين الرسميين', 'توعية الجمهور', 'التعريف'],
      zh: ['宣传活动', '宣传运动', '宣传', '提高公众', '公众认识', '新闻发言人'],
    },
  },
];
