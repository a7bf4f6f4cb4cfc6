//! The seed's CORS policy: its headers on every answer of the dialect (errors included), the
//! `OPTIONS` preflight, and the same headers as the document describes them.

use crate::openapi_names::tag;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::ToResponse;
use utoipa::openapi::RefOr;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};

/// The headers on every answer (name, name as documented, the one value), the seed's.
const HEADERS: [(HeaderName, &str, &str); 3] = [
    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "Access-Control-Allow-Origin", "*"),
    (header::ACCESS_CONTROL_ALLOW_METHODS, "Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    (header::ACCESS_CONTROL_ALLOW_HEADERS, "Access-Control-Allow-Headers", "Content-Type, Authorization"),
];

/// How long a browser may keep a preflight's answer, seconds.
const MAX_AGE: u32 = 600;

/// CORS preflight
///
/// Answered 204 for `/api/` and `/api`, whatever the request's `Origin`.
#[utoipa::path(options, path = "/api/", tag = tag::PBX, operation_id = "pbxPreflight", security(()),
    responses((status = 204, response = Preflight)))]
pub(super) async fn preflight() -> Response {
    (StatusCode::NO_CONTENT, [(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(MAX_AGE))]).into_response()
}

/// The seed's CORS headers, on every answer of this dialect (errors included).
pub(super) async fn headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, _, value) in HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The CORS headers of an answer, for the document.
pub(super) fn document_headers(mut response: ResponseBuilder) -> ResponseBuilder {
    for (_, name, value) in HEADERS {
        let schema = ObjectBuilder::new().schema_type(Type::String).enum_values(Some([value]));
        response = response.header(name, HeaderBuilder::new().schema(Some(schema)).build());
    }
    response
}

/// `PbxPreflight`: the answer to `OPTIONS`.
pub(super) struct Preflight;

impl<'s> ToResponse<'s> for Preflight {
    fn response() -> (&'s str, RefOr<ResponseDoc>) {
        let max_age: Header = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::Integer).enum_values(Some([MAX_AGE]))))
            .description(Some("Seconds a browser may keep this answer."))
            .build();
        let response = document_headers(ResponseBuilder::new())
            .description("Allowed; no body.")
            .header("Access-Control-Max-Age", max_age)
            .build();
        ("PbxPreflight", RefOr::T(response))
    }
}
