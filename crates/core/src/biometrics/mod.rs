//! Biometric identifiers (seed 002): people enrolled for recognition, their voice phrases and
//! face tokens, owned by an account. (Skeleton: filled in by the biometrics work.)

use crate::ports::StoreResult;
use async_trait::async_trait;

/// The biometric records' storage.
#[async_trait]
pub trait BiometricsStore: Send + Sync + 'static {
    /// Placeholder so the trait is not empty; replaced by the real methods.
    async fn biometrics_ready(&self) -> StoreResult<()>;
}
