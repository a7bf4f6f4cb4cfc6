//! `User` actions: `auth` (the seed's body, field for field) and `logout`.

use super::bodies::Envelope;
use super::views::auth::AuthBody;
use super::views::{Body, Empty, Outcome};
use crate::AppState;
use kordon_core::Origin;

pub(super) async fn auth(state: &AppState, envelope: &Envelope, origin: &Origin) -> Outcome {
    let params = &envelope.params;
    let session = state.core.pbx_auth(params.login.as_deref(), params.password.as_deref(), origin).await?;
    Ok(Body::Auth(Box::new(AuthBody::new(state, session))))
}

pub(super) async fn logout(state: &AppState, bearer: Option<&str>, origin: &Origin) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    state.core.pbx_logout(&principal, origin).await?;
    Ok(Body::Empty(Empty {}))
}
