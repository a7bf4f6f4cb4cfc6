//! The texts of the mails kordon sends, in Russian and English.

use crate::ports::Mail;

/// The password-reset mail with its link.
pub(crate) fn reset_mail(to: &str, link: &str, locale: &str, ttl_minutes: i64) -> Mail {
    let (subject, text) = if locale == "en" {
        (
            "Password reset".to_string(),
            format!(
                "Hello!\n\nSomeone (hopefully you) asked to reset the password of this account.\n\
                 To choose a new password, open this link within {ttl_minutes} minutes:\n\n{link}\n\n\
                 If you did not ask for it, ignore this mail: your password stays as it is.\n"
            ),
        )
    } else {
        (
            "Сброс пароля".to_string(),
            format!(
                "Здравствуйте!\n\nКто-то (надеемся, вы) запросил сброс пароля этой учётной записи.\n\
                 Чтобы задать новый пароль, откройте ссылку в течение {ttl_minutes} минут:\n\n{link}\n\n\
                 Если вы не запрашивали сброс, просто проигнорируйте это письмо: пароль останется прежним.\n"
            ),
        )
    };
    Mail { to: to.to_owned(), subject, text }
}
