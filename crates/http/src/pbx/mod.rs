//! The PBX JSON action API (seed 001): `POST /api/` with an `{"action","obj","action_id","params"}`
//! envelope, answered in the same envelope with `code`, `notifies` and `body`, CORS as in the seed.

mod defender;
mod envelope;
mod user;

use crate::AppState;
use crate::origin::RequestOrigin;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use envelope::{Envelope, Reply};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/", post(action).options(preflight))
        .route("/api", post(action).options(preflight))
        .layer(axum::middleware::map_response(cors))
}

/// One action: route `obj` + `action` to its handler.
async fn action(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Reply {
    let envelope = match body {
        Ok(bytes) => match Envelope::parse(&bytes) {
            Ok(envelope) => envelope,
            Err(reply) => return *reply,
        },
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Reply::bare(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large.");
        }
        Err(_) => return Reply::bare(StatusCode::BAD_REQUEST, "The request body could not be read."),
    };
    let bearer = crate::edge::bearer_token(&headers);
    let result = match (envelope.obj.as_str(), envelope.action.as_str()) {
        ("User", "auth") => user::auth(&state, &envelope, &origin).await,
        ("User", "logout") => user::logout(&state, bearer).await,
        ("Defender", "list") => defender::list(&state, bearer, &envelope).await,
        ("Defender", "unblock") => defender::unblock(&state, bearer, &envelope).await,
        (obj, action) => Err(envelope::unknown(obj, action)),
    };
    envelope.reply(result)
}

async fn preflight() -> Response {
    (StatusCode::NO_CONTENT, [(header::ACCESS_CONTROL_MAX_AGE, "600")]).into_response()
}

/// The seed's CORS headers, on every answer of this dialect (errors included).
async fn cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type, Authorization"));
    response
}
