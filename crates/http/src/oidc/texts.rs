//! The words of kordon's login pages, in Russian and English (Russian unless the browser or the
//! request asks for English).

use kordon_core::services::Publisher;
use kordon_core::types::PasswordProblem;

/// The words of the pages, in one language.
pub(crate) struct Texts {
    pub lang: &'static str,
    pub footer: &'static str,
    pub sign_in: &'static str,
    pub to_continue: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in_button: &'static str,
    pub or: &'static str,
    pub phone: &'static str,
    pub call_hint: &'static str,
    pub call_button: &'static str,
    pub flashcall_title: &'static str,
    pub calling: &'static str,
    pub enter_digits: &'static str,
    pub digits: &'static str,
    pub other_way: &'static str,
    pub consent_title: &'static str,
    pub wants: &'static str,
    pub signed_in_as: &'static str,
    pub allow: &'static str,
    pub deny: &'static str,
    /// The consent page's warning on a customer's application.
    pub not_ours: &'static str,
    pub registered_by: &'static str,
    pub platform: &'static str,
    pub account: &'static str,
    pub unknown_account: &'static str,
    pub answer_goes_to: &'static str,
    pub go_back: &'static str,
    pub bad_request: &'static str,
    pub bad_request_text: &'static str,
    pub bad_form: &'static str,
    pub blocked: &'static str,
    pub busy: &'static str,
    pub signed_out: &'static str,
    pub sign_out_title: &'static str,
    pub sign_out_text: &'static str,
    pub sign_out_button: &'static str,
    pub signed_out_text: &'static str,
    pub wrong_password: &'static str,
    pub wrong_pin: &'static str,
    pub blocked_title: &'static str,
    /// A login past its daily cap of failed checks, before "N min.".
    pub limited: &'static str,
    pub minutes: &'static str,
    pub hours: &'static str,
    pub bad_phone: &'static str,
    pub call_limited: &'static str,
    pub call_failed: &'static str,
    pub problem: &'static str,
    pub failed: &'static str,
    pub scope_openid: &'static str,
    pub scope_email: &'static str,
    pub scope_phone: &'static str,
    pub scope_profile: &'static str,
    pub scope_offline_access: &'static str,
    pub forgot_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_text: &'static str,
    pub send_link: &'static str,
    pub back_to_sign_in: &'static str,
    pub sent_title: &'static str,
    pub sent_text: &'static str,
    pub bad_email: &'static str,
    /// Too many reset links asked for, before "N min.".
    pub resets_limited: &'static str,
    pub new_password_title: &'static str,
    pub password_rules: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub save_password: &'static str,
    pub password_short: &'static str,
    pub password_long: &'static str,
    pub password_mismatch: &'static str,
    pub password_common: &'static str,
    pub dead_link_title: &'static str,
    pub dead_link_text: &'static str,
    pub ask_again: &'static str,
    pub changed_title: &'static str,
    pub changed_text: &'static str,
}

pub(crate) const EN: Texts = Texts {
    lang: "en",
    footer: "kordon · identity and access for telephony",
    sign_in: "Sign in",
    to_continue: "to continue to",
    email: "Email",
    password: "Password",
    sign_in_button: "Sign in",
    or: "or",
    phone: "Phone",
    call_hint: "We call this number; its last 4 digits are your code. No need to answer.",
    call_button: "Sign in with a call",
    flashcall_title: "Enter the code",
    calling: "We are calling",
    enter_digits: "Enter the last 4 digits of the number that calls you.",
    digits: "Last 4 digits",
    other_way: "Sign in another way",
    consent_title: "Allow access?",
    wants: "asks to:",
    signed_in_as: "Signed in as",
    allow: "Allow",
    deny: "Deny",
    not_ours: "This application is not kordon's own: a customer of the platform registered it. Allow only if you trust them.",
    registered_by: "Registered by",
    platform: "kordon's operator",
    account: "account",
    unknown_account: "an account that no longer exists",
    answer_goes_to: "Either answer takes you to",
    go_back: "Go back to the application and start again.",
    bad_request: "This sign-in request cannot be used",
    bad_request_text: "The application sent a request to sign in that kordon cannot accept.",
    bad_form: "The form has expired or did not come from this page. Go back to the application and try again.",
    blocked: "Too many failed attempts came from your network. Try again in",
    busy: "kordon is busy right now. Try again in a moment.",
    signed_out: "Signed out",
    sign_out_title: "Sign out of kordon?",
    sign_out_text: "You will be signed out of every application you signed in to through kordon in this browser.",
    sign_out_button: "Sign out",
    signed_out_text: "You are signed out of kordon. You can close this page.",
    wrong_password: "The email or password is not right.",
    wrong_pin: "The code is not right or has expired.",
    blocked_title: "Sign-in is paused",
    limited: "Too many failed sign-ins for this account. Try again in",
    minutes: "min.",
    hours: "hours.",
    bad_phone: "This number cannot be called. Check it and try again.",
    call_limited: "Too many calls to this number or from your network. Try again later.",
    call_failed: "The call could not be placed. Try again in a moment.",
    problem: "Something went wrong",
    failed: "kordon could not finish this step. Try again in a moment.",
    scope_openid: "Know who you are",
    scope_email: "See your email address",
    scope_phone: "See your phone number",
    scope_profile: "See your name and your role in your account",
    scope_offline_access: "Stay signed in when you are away",
    forgot_link: "Forgot password?",
    forgot_title: "Reset your password",
    forgot_text: "Enter your account's email. We will send you a link to set a new password.",
    send_link: "Send the link",
    back_to_sign_in: "Back to sign in",
    sent_title: "Check your mail",
    sent_text: "If an account has this address, we have sent a link to it. The link works once and for a limited time; a newer link replaces it.",
    bad_email: "This is not an email address.",
    resets_limited: "Too many links were asked for this address or from your network. Try again in",
    new_password_title: "Set a new password",
    password_rules: "At least 8 characters, and not one of the common passwords. You will be signed out everywhere.",
    new_password: "New password",
    repeat_password: "Repeat the new password",
    save_password: "Save the password",
    password_short: "The password must be at least 8 characters.",
    password_long: "The password must be at most 128 characters.",
    password_mismatch: "The two passwords are not the same.",
    password_common: "This password is too common. Choose another one.",
    dead_link_title: "This link no longer works",
    dead_link_text: "It was used already, a newer link was sent, or it expired.",
    ask_again: "Ask for a new link",
    changed_title: "Password changed",
    changed_text: "Your password is changed, and you are signed out everywhere. Sign in with the new password.",
};

pub(crate) const RU: Texts = Texts {
    lang: "ru",
    footer: "kordon · вход и доступ для телефонии",
    sign_in: "Вход",
    to_continue: "чтобы продолжить в",
    email: "Эл. почта",
    password: "Пароль",
    sign_in_button: "Войти",
    or: "или",
    phone: "Телефон",
    call_hint: "Мы позвоним на этот номер: последние 4 цифры звонящего номера — ваш код. Отвечать не нужно.",
    call_button: "Войти по звонку",
    flashcall_title: "Введите код",
    calling: "Звоним на номер",
    enter_digits: "Введите последние 4 цифры номера, с которого поступил звонок.",
    digits: "Последние 4 цифры",
    other_way: "Войти другим способом",
    consent_title: "Разрешить доступ?",
    wants: "просит:",
    signed_in_as: "Вы вошли как",
    allow: "Разрешить",
    deny: "Отклонить",
    not_ours: "Это приложение не принадлежит kordon: его зарегистрировал клиент платформы. Разрешайте, только если доверяете ему.",
    registered_by: "Зарегистрировал",
    platform: "оператор kordon",
    account: "аккаунт",
    unknown_account: "аккаунт, которого больше нет",
    answer_goes_to: "После ответа вы перейдёте на",
    go_back: "Вернитесь в приложение и начните заново.",
    bad_request: "Этот запрос на вход нельзя использовать",
    bad_request_text: "Приложение прислало запрос на вход, который kordon не может принять.",
    bad_form: "Форма устарела или отправлена не с этой страницы. Вернитесь в приложение и попробуйте снова.",
    blocked: "С вашей сети было слишком много неудачных попыток. Повторите через",
    busy: "kordon сейчас занят. Повторите попытку чуть позже.",
    signed_out: "Вы вышли",
    sign_out_title: "Выйти из kordon?",
    sign_out_text: "Вы выйдете из всех приложений, в которые вошли через kordon в этом браузере.",
    sign_out_button: "Выйти",
    signed_out_text: "Вы вышли из kordon. Эту страницу можно закрыть.",
    wrong_password: "Неверная эл. почта или пароль.",
    wrong_pin: "Код неверен или устарел.",
    blocked_title: "Вход приостановлен",
    limited: "Слишком много неудачных попыток входа в эту учётную запись. Повторите через",
    minutes: "мин.",
    hours: "ч.",
    bad_phone: "На этот номер нельзя позвонить. Проверьте его и попробуйте снова.",
    call_limited: "Слишком много звонков на этот номер или из вашей сети. Попробуйте позже.",
    call_failed: "Не удалось позвонить. Попробуйте ещё раз чуть позже.",
    problem: "Что-то пошло не так",
    failed: "kordon не смог выполнить этот шаг. Попробуйте ещё раз чуть позже.",
    scope_openid: "Узнать, кто вы",
    scope_email: "Видеть ваш адрес эл. почты",
    scope_phone: "Видеть ваш номер телефона",
    scope_profile: "Видеть ваше имя и вашу роль в аккаунте",
    scope_offline_access: "Оставаться на связи, когда вас нет",
    forgot_link: "Забыли пароль?",
    forgot_title: "Восстановление пароля",
    forgot_text: "Введите эл. почту вашей учётной записи. Мы пришлём ссылку, по которой можно задать новый пароль.",
    send_link: "Прислать ссылку",
    back_to_sign_in: "Вернуться ко входу",
    sent_title: "Проверьте почту",
    sent_text: "Если этот адрес есть у учётной записи, мы отправили на него ссылку. Она действует один раз и недолго; новая ссылка заменяет прежнюю.",
    bad_email: "Это не адрес эл. почты.",
    resets_limited: "Для этого адреса или из вашей сети запрошено слишком много ссылок. Повторите через",
    new_password_title: "Новый пароль",
    password_rules: "Не короче 8 символов и не из числа распространённых паролей. Вы выйдете со всех устройств.",
    new_password: "Новый пароль",
    repeat_password: "Повторите новый пароль",
    save_password: "Сохранить пароль",
    password_short: "Пароль должен быть не короче 8 символов.",
    password_long: "Пароль должен быть не длиннее 128 символов.",
    password_mismatch: "Пароли не совпадают.",
    password_common: "Этот пароль слишком распространён. Выберите другой.",
    dead_link_title: "Ссылка больше не действует",
    dead_link_text: "Ею уже воспользовались, после неё пришла новая или истёк её срок.",
    ask_again: "Запросить новую ссылку",
    changed_title: "Пароль изменён",
    changed_text: "Пароль изменён, и вы вышли на всех устройствах. Войдите с новым паролем.",
};

/// The language of a request: English when the browser prefers it, else Russian.
pub(crate) fn texts(locale: Option<&str>) -> &'static Texts {
    match locale {
        Some("en") => &EN,
        _ => &RU,
    }
}

impl Texts {
    /// Who registered an application, in words: `account 42 (pbx.example) · ann@example.com`.
    pub fn publisher(&self, publisher: &Publisher) -> String {
        match publisher {
            Publisher::Platform => self.platform.to_owned(),
            Publisher::Unknown => self.unknown_account.to_owned(),
            Publisher::Account { account_id, domain, contact } => match domain {
                Some(domain) => format!("{} {account_id} ({domain}) · {contact}", self.account),
                None => format!("{} {account_id} · {contact}", self.account),
            },
        }
    }

    /// What a scope lets the application do, in words.
    pub fn scope(&self, scope: &str) -> &'static str {
        match scope {
            "openid" => self.scope_openid,
            "email" => self.scope_email,
            "phone" => self.scope_phone,
            "profile" => self.scope_profile,
            _ => self.scope_offline_access,
        }
    }

    /// What is wrong with a new password, in words.
    pub fn password_problem(&self, problem: PasswordProblem) -> &'static str {
        match problem {
            PasswordProblem::Missing | PasswordProblem::Short => self.password_short,
            PasswordProblem::Long => self.password_long,
            PasswordProblem::Mismatch => self.password_mismatch,
            PasswordProblem::Common => self.password_common,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{EN, RU};
    use kordon_core::types::NewPassword;

    #[test]
    fn the_password_rules_in_words_are_the_policy() {
        for t in [&EN, &RU] {
            for text in [t.password_rules, t.password_short] {
                assert!(text.contains(&NewPassword::MIN.to_string()), "{text}");
            }
            assert!(t.password_long.contains(&NewPassword::MAX.to_string()), "{}", t.password_long);
        }
    }
}
