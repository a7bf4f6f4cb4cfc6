//! The PBX JSON action API (seed 001): `POST /api/` with an `{"action","obj","action_id","params"}`
//! envelope, answered in the same envelope with `code`, `notifies` and `body`, CORS as in the seed.

mod bodies;
mod cors;
mod defender;
mod error;
pub(crate) mod openapi;
mod user;
mod views;

use crate::AppState;
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bodies::Envelope;
use error::Failure;
use openapi::{Done, ServerFailure};
use views::Reply;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/", post(action).options(cors::preflight))
        .route("/api", post(action).options(cors::preflight))
        .layer(axum::middleware::map_response(cors::headers))
}

/// Run an action (User.auth, User.logout, Defender.list, Defender.unblock)
///
/// One endpoint, many actions, chosen by `obj` + `action`:
///
/// | obj | action | params | auth |
/// |---|---|---|---|
/// | `User` | `auth` | `login` (email), `password` | — |
/// | `User` | `logout` | — | `pbxBearer` |
/// | `Defender` | `list` | `page` (optional, from 1) | `pbxBearer`, a PBX administrator |
/// | `Defender` | `unblock` | `ip` | `pbxBearer`, a PBX administrator |
///
/// Every answer is the envelope, with `code` equal to the HTTP status. A parameter of the wrong
/// type is refused 400, whichever action it came with. `POST /api` (no trailing slash) is the
/// same endpoint.
#[utoipa::path(post, path = "/api/", tag = tag::PBX, operation_id = "pbxAction",
    security((), ("pbxBearer" = [])),
    request_body(content = Envelope, examples(
        ("User.auth" = (summary = "User.auth: log in (no token needed)", value = json!({
            "action": "auth", "obj": "User", "action_id": "123",
            "params": { "login": "a@office.runtel.org", "password": "correct-horse-battery" } }))),
        ("User.logout" = (summary = "User.logout: end the PBX session (pbxBearer)", value = json!({
            "action": "logout", "obj": "User", "action_id": "124", "params": {} }))),
        ("Defender.list" = (summary = "Defender.list: the domain's blocked hosts (PBX administrator)", value = json!({
            "action": "list", "obj": "Defender", "action_id": "125", "params": { "page": 1 } }))),
        ("Defender.unblock" = (summary = "Defender.unblock: lift a block (PBX administrator)", value = json!({
            "action": "unblock", "obj": "Defender", "action_id": "126", "params": { "ip": "203.0.113.7" } }))),
    )),
    responses(
        (status = 200, response = Done),
        (status = 400, response = Failure),
        (status = 401, response = Failure),
        (status = 403, response = Failure),
        (status = 404, response = Failure),
        (status = 413, response = Failure),
        (status = 429, response = Failure),
        (status = 500, response = ServerFailure),
        (status = 503, response = ServerFailure),
    ))]
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
        ("User", "logout") => user::logout(&state, bearer, &origin).await,
        ("Defender", "list") => defender::list(&state, bearer, &envelope).await,
        ("Defender", "unblock") => defender::unblock(&state, bearer, &envelope).await,
        (obj, action) => Err(error::unknown(obj, action)),
    };
    envelope.reply(result)
}
