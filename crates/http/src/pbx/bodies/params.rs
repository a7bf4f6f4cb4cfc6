//! The `params` of an action, typed: every parameter this API knows, whichever action reads it,
//! must have its type, or the envelope is refused 400 naming it.

use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

/// The action's parameters; each action reads the ones it names, others are ignored. Null is
/// the same as absent.
#[derive(Debug, Default, ToSchema)]
#[schema(as = PbxParams)]
pub(crate) struct Params {
    #[schema(schema_with = login_schema)]
    pub login: Option<String>,
    #[schema(schema_with = password_schema)]
    pub password: Option<String>,
    #[schema(schema_with = ip_schema)]
    pub ip: Option<String>,
    /// `Defender.list`: the page, from 1 (the default); a page holds at most
    /// `limits.blocks_per_page` (100) blocks.
    #[schema(minimum = 1)]
    pub page: Option<i64>,
}

impl Params {
    /// Reads the parameters of an envelope, or says which one has the wrong type.
    pub fn read(params: &Map<String, Value>) -> Result<Self, String> {
        Ok(Self {
            login: text(params, "login")?,
            password: text(params, "password")?,
            ip: text(params, "ip")?,
            page: page(params)?,
        })
    }
}

/// A text parameter: a string, or a number taken as its text.
fn text(params: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        // No parameter has a use for NUL, and PostgreSQL's text cannot hold one.
        Some(Value::String(text)) if text.contains('\0') => Err(format!("The {key} format is invalid.")),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(_) => Err(format!("The {key} must be a string.")),
    }
}

/// The page: a whole number from 1 that fits `int64` (`2.0` is one too).
fn page(params: &Map<String, Value>) -> Result<Option<i64>, String> {
    let page = match params.get("page") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(page), _) => Some(page),
            // Below 2^63, where every whole f64 converts exactly.
            (None, Some(f)) if f.fract() == 0.0 && (1.0..(1u64 << 63) as f64).contains(&f) => Some(f as i64),
            _ => None,
        },
        Some(_) => None,
    };
    match page {
        Some(page) if page >= 1 => Ok(Some(page)),
        _ => Err("The page must be a whole number from 1.".into()),
    }
}

/// A text parameter's schema: a string, a number (taken as its text), or null.
fn text_schema(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Number, Type::Null]))
        .description(Some(description))
}

fn login_schema() -> Object {
    text_schema("`User.auth`: the user's email.").build()
}

fn password_schema() -> Object {
    text_schema("`User.auth`: the password.").format(Some(SchemaFormat::KnownFormat(KnownFormat::Password))).build()
}

fn ip_schema() -> Object {
    text_schema("`Defender.unblock`: the blocked host (as `Defender.list` shows it).").build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> Result<Params, String> {
        Params::read(value.as_object().expect("object"))
    }

    #[test]
    fn texts_take_strings_and_numbers_and_refuse_the_rest() {
        let params = read(json!({ "login": "a@b.example", "password": 123456, "ip": null })).expect("params");
        assert_eq!(
            (params.login.as_deref(), params.password.as_deref(), params.ip),
            (Some("a@b.example"), Some("123456"), None)
        );
        assert_eq!(read(json!({ "login": {} })).err().as_deref(), Some("The login must be a string."));
        assert_eq!(read(json!({ "ip": [1] })).err().as_deref(), Some("The ip must be a string."));
        assert_eq!(read(json!({ "password": true })).err().as_deref(), Some("The password must be a string."));
        assert_eq!(read(json!({ "login": "a\u{0}b" })).err().as_deref(), Some("The login format is invalid."));
    }

    #[test]
    fn the_page_is_a_whole_number_from_one() {
        assert_eq!(read(json!({})).expect("none").page, None);
        assert_eq!(read(json!({ "page": null })).expect("null").page, None);
        assert_eq!(read(json!({ "page": 3 })).expect("3").page, Some(3));
        assert_eq!(read(json!({ "page": 2.0 })).expect("2.0").page, Some(2));
        assert_eq!(read(json!({ "page": i64::MAX })).expect("the last").page, Some(i64::MAX));
        let beyond = [json!(1u64 << 63), json!(9.3e18), json!(1e300)];
        for bad in [json!(0), json!(-1), json!(1.5), json!("2"), json!(true), json!(-1e300)].into_iter().chain(beyond) {
            assert_eq!(
                read(json!({ "page": bad })).err().as_deref(),
                Some("The page must be a whole number from 1."),
                "{bad}"
            );
        }
    }
}
