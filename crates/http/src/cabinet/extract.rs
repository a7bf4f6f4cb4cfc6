//! The cabinet's extractors: a JSON body whose every failure answers in the cabinet's shape,
//! the `Client` header, and the bearer token.

use super::error::CabinetError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kordon_core::{Error, Principal};
use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, Required};

/// A JSON body. An empty body reads as `{}` (so missing fields get "field is required"); bad JSON
/// is a plain 400, a wrong type or a NUL character a validation error naming the field, an
/// oversized body 413.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = CabinetError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                CabinetError::plain(status, "The request body is too large.")
            } else {
                CabinetError::plain(StatusCode::BAD_REQUEST, "The request body could not be read.")
            }
        })?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|_| CabinetError::plain(StatusCode::BAD_REQUEST, "The request body is not valid JSON."))?;
        let Some(object) = value.as_object() else {
            return Err(CabinetError::plain(StatusCode::BAD_REQUEST, "The request body must be a JSON object."));
        };
        if let Some(field) = object.iter().find_map(|(key, value)| {
            let field = field_name(key);
            (field != "body" && value.as_str().is_some_and(|s| s.contains('\0'))).then_some(field)
        }) {
            // No field the cabinet reads has a use for NUL, and PostgreSQL's text cannot hold one.
            return Err(CabinetError::Core(Error::validation(field, format!("The {field} format is invalid."))));
        }
        serde_path_to_error::deserialize(value).map(Body).map_err(|err| {
            let field = field_name(&err.path().to_string());
            CabinetError::Core(Error::validation(field, format!("The {field} must be a string.")))
        })
    }
}

/// The field a deserialization error points at, among the fields the cabinet reads.
fn field_name(path: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "email",
        "phone",
        "password",
        "password_confirmation",
        "current_password",
        "pin",
        "token",
        "promocode",
        "url",
        "name",
    ];
    KNOWN.iter().find(|k| **k == path).copied().unwrap_or("body")
}

/// The `Client` header: an existing client allowed to use the cabinet.
pub struct CabinetClient(pub i64);

/// The `Client` header in the document: every cabinet operation takes it.
impl utoipa::IntoParams for CabinetClient {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        // The id as text: anything else is a client that does not exist (the same 400).
        let schema = ObjectBuilder::new().schema_type(SchemaType::new(Type::String)).default(Some("10553".into()));
        let client = ParameterBuilder::new()
            .name("Client")
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(
                "The client application, by id: `10553` (\"cabinet\") exists by default. A missing or unknown \
                 client, or one without the `cabinet` grant, answers 400 naming the field `client`.",
            ))
            .schema(Some(schema))
            .build();
        vec![client]
    }
}

impl<S> FromRequestParts<S> for CabinetClient
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = CabinetError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let raw = parts.headers.get("client").and_then(|v| v.to_str().ok());
        let client = state.core.client_for(raw, "cabinet").await?;
        Ok(Self(client.id))
    }
}

/// A signed-in caller: the bearer token (a session access token or an API token) and whom it names.
pub struct Bearer {
    pub token: String,
    pub principal: Principal,
}

impl<S> FromRequestParts<S> for Bearer
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = CabinetError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = crate::edge::bearer_token(&parts.headers).ok_or(CabinetError::Core(Error::Unauthenticated))?;
        let principal = state.core.authenticate(Some(token)).await?;
        Ok(Self { token: token.to_owned(), principal })
    }
}

/// Deserializes a string, or a number as its decimal text (clients send phones and PINs both ways).
pub fn lenient_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Text {
        S(String),
        N(serde_json::Number),
    }
    Ok(Option::<Text>::deserialize(d)?.map(|t| match t {
        Text::S(s) => s,
        Text::N(n) => n.to_string(),
    }))
}

/// The schema of a field read with [`lenient_text`]: a string, or a JSON integer.
fn text_or_integer() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Integer]))
}

/// The schema of a phone (read with [`lenient_text`]): digits with the country code, in any of
/// the usual spellings (`79993332210`, `+7 (999) 333-22-10`, `8 999 333 22 10`), or a JSON integer.
pub fn phone_schema() -> impl Into<RefOr<Schema>> {
    text_or_integer()
        .pattern(Some(r"^[0-9 ()+.-]+$"))
        .description(Some(
            "Digits with the country code (10 to 15 of them; spaces, `+`, `-`, `.` and parentheses are \
             ignored); a JSON integer is accepted too.",
        ))
        .examples(["79993332210"])
}

/// The schema of a FlashCall PIN (read with [`lenient_text`]).
pub fn pin_schema() -> impl Into<RefOr<Schema>> {
    text_or_integer()
        .min_length(Some(1))
        .description(Some("The PIN: the last 4 digits of the number that called; a JSON integer is accepted too."))
        .examples(["1234"])
}
