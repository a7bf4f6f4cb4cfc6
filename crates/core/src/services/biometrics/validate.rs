//! Input rules of the biometrics dialect, as the Laravel application behind seed 002 would apply
//! them (`required|string|max:255`, `user_id` `required|integer|exists`), with Laravel's messages
//! and its default input middleware (strings trimmed, empty strings read as missing).

use serde_json::Value;
use std::fmt;

/// The longest name, master token, phrase or face token, in characters.
pub const MAX_LEN: usize = 255;

/// The body of a person's create or update, as the client sent it (any JSON per field).
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub name: Option<Value>,
    pub master_token: Option<Value>,
}

/// The body of a phrase's or face token's create or update, as the client sent it.
#[derive(Debug, Clone, Default)]
pub struct IdentifierInput {
    /// `phrase` or `face_token`.
    pub value: Option<Value>,
    /// `user_id`: the person the identifier belongs to.
    pub person_id: Option<Value>,
}

/// Every invalid field of one request with its messages, in the order the fields are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid {
    pub fields: Vec<(&'static str, Vec<String>)>,
}

impl Invalid {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn add(&mut self, field: &'static str, message: String) {
        match self.fields.iter_mut().find(|(f, _)| *f == field) {
            Some((_, messages)) => messages.push(message),
            None => self.fields.push((field, vec![message])),
        }
    }

    /// Laravel's "exists" failure for the person reference.
    pub(crate) fn unknown_person(&mut self) {
        self.add(USER_ID, format!("The selected {} is invalid.", attribute(USER_ID)));
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = self.fields.iter().map(|(field, _)| *field).collect();
        write!(f, "invalid: {}", fields.join(", "))
    }
}

/// The wire name of a person reference.
pub(crate) const USER_ID: &str = "user_id";

/// Laravel's display name of a field: underscores become spaces (`master token`).
fn attribute(field: &str) -> String {
    field.replace('_', " ")
}

/// `required|string|max:255`: the trimmed text, or None with the failure recorded.
pub(crate) fn text(field: &'static str, value: Option<&Value>, invalid: &mut Invalid) -> Option<String> {
    let name = attribute(field);
    match value {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.trim().is_empty() => {}
        Some(Value::Array(items)) if items.is_empty() => {}
        Some(Value::String(s)) => {
            let s = s.trim();
            // PostgreSQL's text cannot hold NUL: refused like Laravel's `regex` rule, not a 500.
            if s.contains('\0') {
                invalid.add(field, format!("The {name} format is invalid."));
                return None;
            }
            if s.chars().count() > MAX_LEN {
                invalid.add(field, format!("The {name} may not be greater than {MAX_LEN} characters."));
                return None;
            }
            return Some(s.to_owned());
        }
        Some(_) => {
            invalid.add(field, format!("The {name} must be a string."));
            return None;
        }
    }
    invalid.add(field, format!("The {name} field is required."));
    None
}

/// `required|integer` of a person reference: the id, or None with the failure recorded. A value
/// that is not an integer also fails Laravel's `exists` rule, so it gets both messages, as there.
pub(crate) fn person_ref(value: Option<&Value>, invalid: &mut Invalid) -> Option<i64> {
    match value {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.trim().is_empty() => {}
        Some(Value::Array(items)) if items.is_empty() => {}
        Some(other) => {
            if let Some(id) = integer(other) {
                return Some(id);
            }
            invalid.add(USER_ID, format!("The {} must be an integer.", attribute(USER_ID)));
            invalid.unknown_person();
            return None;
        }
    }
    invalid.add(USER_ID, format!("The {} field is required.", attribute(USER_ID)));
    None
}

/// What PHP's `FILTER_VALIDATE_INT` accepts: a JSON integer (or an integral number), or the
/// decimal text of one with an optional sign and no leading zeros.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        }
        Value::String(s) => {
            let s = s.trim();
            let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
            let canonical = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            if canonical { s.parse().ok() } else { None }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_text(value: Value) -> (Option<String>, Invalid) {
        let mut invalid = Invalid::default();
        (text("master_token", Some(&value), &mut invalid), invalid)
    }

    #[test]
    fn text_rules() {
        assert_eq!(check_text(json!("  abc ")).0.as_deref(), Some("abc"));
        for missing in [json!(null), json!(""), json!("   "), json!([])] {
            let (value, invalid) = check_text(missing);
            assert_eq!(value, None);
            assert_eq!(invalid.fields, vec![("master_token", vec!["The master token field is required.".into()])]);
        }
        for wrong in [json!(1), json!(true), json!({}), json!(["a"])] {
            let (_, invalid) = check_text(wrong);
            assert_eq!(invalid.fields, vec![("master_token", vec!["The master token must be a string.".into()])]);
        }
        let (value, invalid) = check_text(json!("a\u{0}b"));
        assert_eq!(value, None);
        assert_eq!(invalid.fields, vec![("master_token", vec!["The master token format is invalid.".into()])]);
        assert!(check_text(json!("ж".repeat(255))).0.is_some());
        let (_, invalid) = check_text(json!("ж".repeat(256)));
        assert_eq!(
            invalid.fields,
            vec![("master_token", vec!["The master token may not be greater than 255 characters.".into()])]
        );
    }

    #[test]
    fn person_ref_rules() {
        let check = |value: Value| {
            let mut invalid = Invalid::default();
            (person_ref(Some(&value), &mut invalid), invalid)
        };
        assert_eq!(check(json!(3)).0, Some(3));
        assert_eq!(check(json!("3")).0, Some(3));
        assert_eq!(check(json!(" -3")).0, Some(-3));
        assert_eq!(check(json!(3.0)).0, Some(3));
        let (id, invalid) = check(json!(""));
        assert_eq!(id, None);
        assert_eq!(invalid.fields, vec![("user_id", vec!["The user id field is required.".into()])]);
        for wrong in [json!("03"), json!("3a"), json!(3.5), json!(true), json!({}), json!("1e3")] {
            let (id, invalid) = check(wrong);
            assert_eq!(id, None);
            assert_eq!(
                invalid.fields,
                vec![(
                    "user_id",
                    vec!["The user id must be an integer.".into(), "The selected user id is invalid.".into()]
                )]
            );
        }
    }
}
