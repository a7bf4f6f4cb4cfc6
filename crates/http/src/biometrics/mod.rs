//! The biometric identifiers API (seed 002): `/api/users`, `/api/phrases`, `/api/faceTokens`.
//! (Skeleton: filled in by the biometrics work.)

use crate::AppState;
use axum::Router;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
