//! Password hashing: argon2id off the async runtime, a worker per core, and a bounded queue
//! so that a login flood gets a quick 503 instead of starving everything else.

use crate::error::{Error, Result};
use crate::settings::PasswordSettings;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OnceCell, Semaphore};

#[derive(Clone)]
pub struct Passwords {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    workers: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
    dummy: OnceCell<String>,
}

impl Passwords {
    pub fn new(settings: &PasswordSettings) -> Result<Self> {
        let params =
            Params::new(settings.memory_kib.max(19456), settings.iterations.max(2), settings.parallelism.max(1), None)
                .map_err(Error::internal)?;
        let workers = match settings.workers {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                params,
                workers: Semaphore::new(workers),
                waiting: AtomicUsize::new(0),
                queue: settings.queue.max(1),
                dummy: OnceCell::new(),
            }),
        })
    }

    /// A PHC string of the argon2id hash of `password`.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let params = self.inner.params.clone();
        let password = password.to_owned();
        self.run(move || {
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(Error::internal)
        })
        .await
    }

    /// Does `password` match `hash`? With no hash (unknown user) a dummy hash is checked,
    /// so the answer takes the same time either way.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        if password.chars().count() > crate::types::NewPassword::MAX {
            return Ok(false);
        }
        let (hash, known) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash().await?.to_owned(), false),
        };
        let password = password.to_owned();
        let matched =
            self.run(move || Ok(Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok())).await?;
        Ok(matched && known)
    }

    async fn dummy_hash(&self) -> Result<&str> {
        let hash =
            self.inner.dummy.get_or_try_init(|| async { self.hash(&crate::secrets::random_token(24)).await }).await?;
        Ok(hash.as_str())
    }

    async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
        let inner = &self.inner;
        if inner.waiting.fetch_add(1, Ordering::SeqCst) >= inner.queue {
            inner.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Error::Busy);
        }
        let permit = inner.workers.acquire().await;
        inner.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(Error::internal)?;
        tokio::task::spawn_blocking(job).await.map_err(Error::internal)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let p = Passwords::new(&PasswordSettings::default()).expect("params");
        let hash = p.hash("correct horse battery").await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify("correct horse battery", Some(&hash)).await.expect("verify"));
        assert!(!p.verify("wrong horse battery", Some(&hash)).await.expect("verify"));
        assert!(!p.verify("correct horse battery", None).await.expect("verify"));
        assert!(!p.verify(&"x".repeat(129), Some(&hash)).await.expect("verify"));
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy() {
        let settings = PasswordSettings { workers: 1, queue: 1, ..Default::default() };
        let p = Passwords::new(&settings).expect("params");
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.hash("some password").await })
            })
            .collect();
        let mut busy = 0;
        for job in jobs {
            if matches!(job.await.expect("join"), Err(Error::Busy)) {
                busy += 1;
            }
        }
        assert!(busy > 0, "six hashes through one worker and a queue of one must turn some away");
    }
}
