//! The mails of a person's contact changes, in Russian and English: the link that proves an
//! address, and the notices sent to the address a person had (so a stolen session that changes
//! the address or the phone does not go unseen).

use crate::ports::{EmailPurpose, Mail};

fn english(locale: &str) -> bool {
    locale == "en"
}

/// The link that proves an address: a new one (`Change`) or the one the person has (`Verify`).
pub(crate) fn email_link(to: &str, link: &str, purpose: EmailPurpose, locale: &str, ttl_hours: i64) -> Mail {
    let (subject, text) = match (english(locale), purpose) {
        (true, EmailPurpose::Change) => (
            "Confirm your new email address",
            format!(
                "Hello!\n\nSomeone (hopefully you) asked to move an account to this address.\n\
                 To confirm it, open this link within {ttl_hours} hours and press the button:\n\n{link}\n\n\
                 If it was not you, ignore this mail: nothing changes.\n"
            ),
        ),
        (true, EmailPurpose::Verify) => (
            "Confirm your email address",
            format!(
                "Hello!\n\nTo confirm that this address is yours, open this link within {ttl_hours} hours \
                 and press the button:\n\n{link}\n\nIf it was not you, ignore this mail.\n"
            ),
        ),
        (false, EmailPurpose::Change) => (
            "Подтвердите новый адрес почты",
            format!(
                "Здравствуйте!\n\nКто-то (надеемся, вы) попросил перенести учётную запись на этот адрес.\n\
                 Чтобы подтвердить его, откройте ссылку в течение {ttl_hours} ч и нажмите кнопку:\n\n{link}\n\n\
                 Если это были не вы, просто проигнорируйте письмо: ничего не изменится.\n"
            ),
        ),
        (false, EmailPurpose::Verify) => (
            "Подтвердите адрес почты",
            format!(
                "Здравствуйте!\n\nЧтобы подтвердить, что этот адрес ваш, откройте ссылку в течение {ttl_hours} ч \
                 и нажмите кнопку:\n\n{link}\n\nЕсли это были не вы, просто проигнорируйте письмо.\n"
            ),
        ),
    };
    Mail { to: to.to_owned(), subject: subject.to_owned(), text }
}

/// The notice to the address a person had: their account moved to `new_address`.
pub(crate) fn email_changed(to: &str, new_address: &str, locale: &str) -> Mail {
    let (subject, text) = match english(locale) {
        true => (
            "Your email address was changed",
            format!(
                "Hello!\n\nThe account that used this address now uses {new_address}.\n\
                 If it was not you, reset your password at once and tell support.\n"
            ),
        ),
        false => (
            "Адрес почты изменён",
            format!(
                "Здравствуйте!\n\nУчётная запись с этим адресом теперь использует {new_address}.\n\
                 Если это были не вы, немедленно смените пароль и сообщите в поддержку.\n"
            ),
        ),
    };
    Mail { to: to.to_owned(), subject: subject.to_owned(), text }
}

/// The notice that the account's phone is now `masked` (shown masked: a mail is no place for a
/// whole number).
pub(crate) fn phone_changed(to: &str, masked: &str, locale: &str) -> Mail {
    let (subject, text) = match english(locale) {
        true => (
            "Your phone number was changed",
            format!(
                "Hello!\n\nYour account's phone number is now {masked}.\n\
                 If it was not you, reset your password at once and tell support.\n"
            ),
        ),
        false => (
            "Номер телефона изменён",
            format!(
                "Здравствуйте!\n\nНомер телефона вашей учётной записи теперь {masked}.\n\
                 Если это были не вы, немедленно смените пароль и сообщите в поддержку.\n"
            ),
        ),
    };
    Mail { to: to.to_owned(), subject: subject.to_owned(), text }
}
