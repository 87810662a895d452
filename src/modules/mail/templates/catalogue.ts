/**
 * The text of every mail OneDoor sends, in the six UN languages. Each template has a subject, the
 * paragraphs before the link, the link's label and the paragraphs after it; `{name}`-style params
 * are filled from the mail_messages row (src/modules/mail/templates/index.ts renders text and HTML).
 */
export const MAIL_LANGS = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;
export type MailLang = (typeof MAIL_LANGS)[number];
export const MAIL_TEMPLATES = ['invitation', 'reset', 'unlock', 'password_changed', 'registration_approved', 'registration_refused', 'second_factor_reset'] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export interface TemplateText { subject: string; before: string[]; action?: string; after: string[] }

export const CATALOGUE: Record<MailTemplate, Record<MailLang, TemplateText>> = {
  invitation: {
    en: {
      subject: 'Your invitation to OneDoor for {organisation}',
      before: ['Hello,', '{inviter} invites you to work in OneDoor for {organisation}, as {role}.', 'OneDoor is the United Nations’ single entry point for counter-terrorism technical assistance.'],
      action: 'Accept the invitation',
      after: ['The link works once and expires in {hours} hours. If you were not expecting this invitation, ignore this message.'],
    },
    fr: {
      subject: 'Votre invitation à OneDoor pour {organisation}',
      before: ['Bonjour,', '{inviter} vous invite à travailler dans OneDoor pour {organisation}, en tant que {role}.', 'OneDoor est le point d’entrée unique des Nations Unies pour l’assistance technique en matière de lutte contre le terrorisme.'],
      action: 'Accepter l’invitation',
      after: ['Ce lien ne fonctionne qu’une fois et expire dans {hours} heures. Si vous n’attendiez pas cette invitation, ignorez ce message.'],
    },
    es: {
      subject: 'Su invitación a OneDoor para {organisation}',
      before: ['Hola:', '{inviter} le invita a trabajar en OneDoor para {organisation}, como {role}.', 'OneDoor es el punto de entrada único de las Naciones Unidas para la asistencia técnica en la lucha contra el terrorismo.'],
      action: 'Aceptar la invitación',
      after: ['El enlace funciona una sola vez y caduca en {hours} horas. Si no esperaba esta invitación, ignore este mensaje.'],
    },
    ru: {
      subject: 'Приглашение в OneDoor от имени {organisation}',
      before: ['Здравствуйте!', '{inviter} приглашает вас работать в OneDoor от имени {organisation} в роли «{role}».', 'OneDoor — единая точка доступа Организации Объединённых Наций к технической помощи в борьбе с терроризмом.'],
      action: 'Принять приглашение',
      after: ['Ссылка действует один раз и истекает через {hours} ч. Если вы не ждали этого приглашения, просто проигнорируйте письмо.'],
    },
    ar: {
      subject: 'دعوتك إلى OneDoor باسم {organisation}',
      before: ['مرحبًا،', 'يدعوك {inviter} إلى العمل في OneDoor باسم {organisation} بصفة {role}.', 'OneDoor هو مدخل الأمم المتحدة الموحد للمساعدة التقنية في مجال مكافحة الإرهاب.'],
      action: 'قبول الدعوة',
      after: ['يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد {hours} ساعة. إذا لم تكن تنتظر هذه الدعوة فتجاهل هذه الرسالة.'],
    },
    zh: {
      subject: '邀请您代表{organisation}使用 OneDoor',
      before: ['您好：', '{inviter}邀请您以“{role}”身份代表{organisation}使用 OneDoor。', 'OneDoor 是联合国反恐技术援助的统一入口。'],
      action: '接受邀请',
      after: ['该链接只能使用一次，{hours}小时后失效。如果您没有预期收到此邀请，请忽略本邮件。'],
    },
  },
  reset: {
    en: {
      subject: 'Set a new OneDoor password',
      before: ['Hello {name},', 'Someone asked to set a new password for your OneDoor account. If it was you, follow the link.'],
      action: 'Set a new password',
      after: ['The link works once and expires in {hours} hours. If you did not ask for it, ignore this message: your password stays as it is.'],
    },
    fr: {
      subject: 'Définir un nouveau mot de passe OneDoor',
      before: ['Bonjour {name},', 'Quelqu’un a demandé un nouveau mot de passe pour votre compte OneDoor. Si c’est vous, suivez le lien.'],
      action: 'Définir un nouveau mot de passe',
      after: ['Ce lien ne fonctionne qu’une fois et expire dans {hours} heures. Si vous ne l’avez pas demandé, ignorez ce message : votre mot de passe reste inchangé.'],
    },
    es: {
      subject: 'Establecer una nueva contraseña de OneDoor',
      before: ['Hola, {name}:', 'Alguien pidió una nueva contraseña para su cuenta de OneDoor. Si fue usted, siga el enlace.'],
      action: 'Establecer una nueva contraseña',
      after: ['El enlace funciona una sola vez y caduca en {hours} horas. Si no lo pidió, ignore este mensaje: su contraseña no cambia.'],
    },
    ru: {
      subject: 'Новый пароль OneDoor',
      before: ['Здравствуйте, {name}!', 'Кто-то запросил новый пароль для вашей учётной записи OneDoor. Если это были вы, перейдите по ссылке.'],
      action: 'Задать новый пароль',
      after: ['Ссылка действует один раз и истекает через {hours} ч. Если вы не запрашивали пароль, проигнорируйте письмо: пароль останется прежним.'],
    },
    ar: {
      subject: 'تعيين كلمة مرور جديدة لـ OneDoor',
      before: ['مرحبًا {name}،', 'طلب أحدهم تعيين كلمة مرور جديدة لحسابك في OneDoor. إن كنت أنت، فاتبع الرابط.'],
      action: 'تعيين كلمة مرور جديدة',
      after: ['يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد {hours} ساعة. إن لم تطلب ذلك فتجاهل هذه الرسالة: تبقى كلمة مرورك كما هي.'],
    },
    zh: {
      subject: '设置新的 OneDoor 密码',
      before: ['{name}，您好：', '有人请求为您的 OneDoor 账户设置新密码。如果是您本人，请打开以下链接。'],
      action: '设置新密码',
      after: ['该链接只能使用一次，{hours}小时后失效。如果不是您本人请求，请忽略本邮件：您的密码不会改变。'],
    },
  },
  unlock: {
    en: {
      subject: 'Your OneDoor account was locked',
      before: ['Hello {name},', 'After {failures} wrong passwords in a row, your OneDoor account is locked for {minutes} minutes. If it was you, you can unlock it now.'],
      action: 'Unlock my account',
      after: ['The link works once and expires in {hours} hours. If it was not you, someone may be guessing your password: unlock the account and set a new password.'],
    },
    fr: {
      subject: 'Votre compte OneDoor a été verrouillé',
      before: ['Bonjour {name},', 'Après {failures} mots de passe erronés de suite, votre compte OneDoor est verrouillé pendant {minutes} minutes. Si c’était vous, vous pouvez le déverrouiller maintenant.'],
      action: 'Déverrouiller mon compte',
      after: ['Ce lien ne fonctionne qu’une fois et expire dans {hours} heures. Si ce n’était pas vous, quelqu’un essaie peut-être de deviner votre mot de passe : déverrouillez le compte et changez de mot de passe.'],
    },
    es: {
      subject: 'Su cuenta de OneDoor se ha bloqueado',
      before: ['Hola, {name}:', 'Tras {failures} contraseñas incorrectas seguidas, su cuenta de OneDoor queda bloqueada durante {minutes} minutos. Si fue usted, puede desbloquearla ahora.'],
      action: 'Desbloquear mi cuenta',
      after: ['El enlace funciona una sola vez y caduca en {hours} horas. Si no fue usted, alguien podría estar intentando adivinar su contraseña: desbloquee la cuenta y cambie la contraseña.'],
    },
    ru: {
      subject: 'Ваша учётная запись OneDoor заблокирована',
      before: ['Здравствуйте, {name}!', 'После {failures} неверных паролей подряд ваша учётная запись OneDoor заблокирована на {minutes} мин. Если это были вы, её можно разблокировать сейчас.'],
      action: 'Разблокировать учётную запись',
      after: ['Ссылка действует один раз и истекает через {hours} ч. Если это были не вы, кто-то, возможно, подбирает ваш пароль: разблокируйте учётную запись и смените пароль.'],
    },
    ar: {
      subject: 'تم قفل حسابك في OneDoor',
      before: ['مرحبًا {name}،', 'بعد إدخال {failures} كلمات مرور خاطئة متتالية، قُفل حسابك في OneDoor لمدة {minutes} دقيقة. إن كنت أنت، يمكنك فتحه الآن.'],
      action: 'فتح حسابي',
      after: ['يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد {hours} ساعة. إن لم تكن أنت، فربما يحاول أحدهم تخمين كلمة مرورك: افتح الحساب وغيّر كلمة المرور.'],
    },
    zh: {
      subject: '您的 OneDoor 账户已被锁定',
      before: ['{name}，您好：', '由于连续 {failures} 次密码错误，您的 OneDoor 账户已被锁定 {minutes} 分钟。如果是您本人，可以立即解锁。'],
      action: '解锁我的账户',
      after: ['该链接只能使用一次，{hours}小时后失效。如果不是您本人，可能有人在猜测您的密码：请解锁账户并更改密码。'],
    },
  },
  password_changed: {
    en: { subject: 'Your OneDoor password was changed', before: ['Hello {name},', 'The password of your OneDoor account was changed, and every session of the account was ended.'], after: ['If you did not do this, ask for a new password at {signIn} and tell your organisation’s focal point.'] },
    fr: { subject: 'Votre mot de passe OneDoor a été modifié', before: ['Bonjour {name},', 'Le mot de passe de votre compte OneDoor a été modifié et toutes les sessions du compte ont été fermées.'], after: ['Si ce n’était pas vous, demandez un nouveau mot de passe sur {signIn} et prévenez le point focal de votre organisation.'] },
    es: { subject: 'Se cambió su contraseña de OneDoor', before: ['Hola, {name}:', 'Se cambió la contraseña de su cuenta de OneDoor y se cerraron todas las sesiones de la cuenta.'], after: ['Si no fue usted, pida una nueva contraseña en {signIn} e informe al punto focal de su organización.'] },
    ru: { subject: 'Пароль OneDoor изменён', before: ['Здравствуйте, {name}!', 'Пароль вашей учётной записи OneDoor изменён, все сеансы учётной записи завершены.'], after: ['Если это были не вы, запросите новый пароль на {signIn} и сообщите координатору вашей организации.'] },
    ar: { subject: 'تم تغيير كلمة مرور OneDoor', before: ['مرحبًا {name}،', 'تم تغيير كلمة مرور حسابك في OneDoor وإنهاء جميع جلسات الحساب.'], after: ['إن لم تكن أنت، فاطلب كلمة مرور جديدة من {signIn} وأبلغ جهة الاتصال في مؤسستك.'] },
    zh: { subject: '您的 OneDoor 密码已更改', before: ['{name}，您好：', '您的 OneDoor 账户密码已更改，该账户的所有会话均已结束。'], after: ['如果不是您本人操作，请在 {signIn} 申请新密码，并告知贵组织的联络人。'] },
  },  registration_approved: {
    en: { subject: '{organisation} is approved in OneDoor', before: ['Hello {name},', 'An administrator approved the registration of {organisation}. Its offerings are now in the directory and are proposed to the requests they answer.', 'If you have not yet accepted the invitation mailed when you registered, accept it first to set your password.'], action: 'Sign in to OneDoor', after: [] },
    fr: { subject: '{organisation} est approuvé dans OneDoor', before: ['Bonjour {name},', 'Un administrateur a approuvé l’inscription de {organisation}. Ses offres figurent désormais dans le répertoire et sont proposées aux demandes auxquelles elles répondent.', 'Si vous n’avez pas encore accepté l’invitation envoyée lors de l’inscription, acceptez-la d’abord pour définir votre mot de passe.'], action: 'Se connecter à OneDoor', after: [] },
    es: { subject: '{organisation} ha sido aprobado en OneDoor', before: ['Hola, {name}:', 'Un administrador aprobó el registro de {organisation}. Sus ofertas ya figuran en el directorio y se proponen a las solicitudes a las que responden.', 'Si aún no aceptó la invitación enviada al registrarse, acéptela primero para fijar su contraseña.'], action: 'Iniciar sesión en OneDoor', after: [] },
    ru: { subject: 'Регистрация {organisation} в OneDoor одобрена', before: ['Здравствуйте, {name}!', 'Администратор одобрил регистрацию {organisation}. Её предложения теперь есть в каталоге и предлагаются по запросам, на которые они отвечают.', 'Если вы ещё не приняли приглашение, отправленное при регистрации, сначала примите его, чтобы задать пароль.'], action: 'Войти в OneDoor', after: [] },
    ar: { subject: 'تمت الموافقة على {organisation} في OneDoor', before: ['مرحبًا {name}،', 'وافق أحد المسؤولين على تسجيل {organisation}. أصبحت عروضها الآن في الدليل وتُقترح على الطلبات التي تلبيها.', 'إذا لم تكن قد قبلت بعدُ الدعوة المرسلة عند التسجيل، فاقبلها أولًا لتعيين كلمة المرور.'], action: 'تسجيل الدخول إلى OneDoor', after: [] },
    zh: { subject: '{organisation}已在 OneDoor 获得批准', before: ['{name}，您好：', '管理员已批准{organisation}的注册。其提供的项目现已列入目录，并会推荐给与之相符的请求。', '如果您尚未接受注册时发送的邀请，请先接受邀请并设置密码。'], action: '登录 OneDoor', after: [] },
  },
  registration_refused: {
    en: { subject: 'The registration of {organisation} in OneDoor', before: ['Hello {name},', 'An administrator did not approve the registration of {organisation}, for this reason:', '{note}'], after: ['Nothing of the registration is shown to anyone. If you think this is a mistake, reply to the administrators of OneDoor with what would change their decision.'] },
    fr: { subject: 'L’inscription de {organisation} dans OneDoor', before: ['Bonjour {name},', 'Un administrateur n’a pas approuvé l’inscription de {organisation}, pour la raison suivante :', '{note}'], after: ['Rien de l’inscription n’est montré à quiconque. Si vous pensez qu’il s’agit d’une erreur, répondez aux administrateurs de OneDoor en indiquant ce qui pourrait changer leur décision.'] },
    es: { subject: 'El registro de {organisation} en OneDoor', before: ['Hola, {name}:', 'Un administrador no aprobó el registro de {organisation}, por este motivo:', '{note}'], after: ['Nada del registro se muestra a nadie. Si cree que se trata de un error, responda a los administradores de OneDoor con lo que podría cambiar su decisión.'] },
    ru: { subject: 'Регистрация {organisation} в OneDoor', before: ['Здравствуйте, {name}!', 'Администратор не одобрил регистрацию {organisation} по следующей причине:', '{note}'], after: ['Данные регистрации никому не показываются. Если вы считаете это ошибкой, ответьте администраторам OneDoor и сообщите, что могло бы изменить их решение.'] },
    ar: { subject: 'تسجيل {organisation} في OneDoor', before: ['مرحبًا {name}،', 'لم يوافق أحد المسؤولين على تسجيل {organisation}، للسبب التالي:', '{note}'], after: ['لا يُعرض أي شيء من التسجيل على أحد. إذا كنت ترى أن في ذلك خطأ، فراسل مسؤولي OneDoor بما قد يغيّر قرارهم.'] },
    zh: { subject: '{organisation}在 OneDoor 的注册', before: ['{name}，您好：', '管理员未批准{organisation}的注册，理由如下：', '{note}'], after: ['注册的任何内容都不会向任何人显示。如果您认为这是误会，请回复 OneDoor 管理员，说明可能改变其决定的情况。'] },
  },
  second_factor_reset: {
    en: { subject: 'Your OneDoor second factor was reset', before: ['Hello {name},', '{admin}, an administrator of OneDoor, removed the second factors of your account (authenticator app, passkeys and recovery codes), for this reason:', '{reason}', 'Every session of your account was ended. At your next sign-in, add a second factor again.'], action: 'Sign in to OneDoor', after: ['If you did not ask for this, tell the administrators of OneDoor at once and set a new password.'] },
    fr: { subject: 'Votre second facteur OneDoor a été réinitialisé', before: ['Bonjour {name},', '{admin}, administrateur de OneDoor, a retiré les seconds facteurs de votre compte (application d’authentification, clés d’accès et codes de secours), pour la raison suivante :', '{reason}', 'Toutes les sessions de votre compte ont été fermées. À votre prochaine connexion, ajoutez de nouveau un second facteur.'], action: 'Se connecter à OneDoor', after: ['Si vous ne l’avez pas demandé, prévenez immédiatement les administrateurs de OneDoor et changez de mot de passe.'] },
    es: { subject: 'Se restableció su segundo factor de OneDoor', before: ['Hola, {name}:', '{admin}, administrador de OneDoor, eliminó los segundos factores de su cuenta (aplicación de autenticación, llaves de acceso y códigos de recuperación), por este motivo:', '{reason}', 'Se cerraron todas las sesiones de su cuenta. La próxima vez que inicie sesión, vuelva a añadir un segundo factor.'], action: 'Iniciar sesión en OneDoor', after: ['Si no lo pidió, avise de inmediato a los administradores de OneDoor y cambie su contraseña.'] },
    ru: { subject: 'Второй фактор OneDoor сброшен', before: ['Здравствуйте, {name}!', '{admin}, администратор OneDoor, удалил вторые факторы вашей учётной записи (приложение-аутентификатор, ключи доступа и коды восстановления) по следующей причине:', '{reason}', 'Все сеансы вашей учётной записи завершены. При следующем входе снова добавьте второй фактор.'], action: 'Войти в OneDoor', after: ['Если вы об этом не просили, немедленно сообщите администраторам OneDoor и смените пароль.'] },
    ar: { subject: 'تمت إعادة تعيين العامل الثاني لحسابك في OneDoor', before: ['مرحبًا {name}،', 'أزال {admin}، أحد مسؤولي OneDoor، العوامل الثانية لحسابك (تطبيق المصادقة ومفاتيح المرور ورموز الاسترداد)، للسبب التالي:', '{reason}', 'تم إنهاء جميع جلسات حسابك. عند تسجيل الدخول في المرة القادمة، أضف عاملًا ثانيًا من جديد.'], action: 'تسجيل الدخول إلى OneDoor', after: ['إن لم تطلب ذلك، فأبلغ مسؤولي OneDoor فورًا وغيّر كلمة المرور.'] },
    zh: { subject: '您的 OneDoor 第二因素已被重置', before: ['{name}，您好：', 'OneDoor 管理员{admin}已删除您账户的第二因素（身份验证应用、通行密钥和恢复码），理由如下：', '{reason}', '您账户的所有会话均已结束。下次登录时，请重新添加第二因素。'], action: '登录 OneDoor', after: ['如果不是您本人请求，请立即告知 OneDoor 管理员并更改密码。'] },
  },
};

/** How a member role is named in mail. */
export const ROLE_NAMES: Record<string, Record<MailLang, string>> = {
  focal_point: { en: 'focal point', fr: 'point focal', es: 'punto focal', ru: 'координатор', ar: 'جهة اتصال', zh: '联络人' },
  contributor: { en: 'contributor', fr: 'contributeur', es: 'colaborador', ru: 'участник', ar: 'مساهم', zh: '撰稿人' },
  reader: { en: 'reader', fr: 'lecteur', es: 'lector', ru: 'читатель', ar: 'قارئ', zh: '只读用户' },
};
