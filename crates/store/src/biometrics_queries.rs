//! The SQL of the biometric records (seed 002), one text for both databases (see `queries`).

macro_rules! biometrics_impl {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl kordon_core::biometrics::BiometricsStore for $store {
            async fn biometrics_ready(&self) -> StoreResult<()> {
                Ok(())
            }
        }
    };
}

pub(crate) use biometrics_impl;
