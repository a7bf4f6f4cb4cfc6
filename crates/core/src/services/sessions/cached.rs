//! The store reads of every bearer check, through the cache ([`crate::cache`]), and the two
//! halves of its coherence: [`Core::forget`] after a change, [`Core::watch_cache_epoch`] on
//! every serving instance.

use crate::cache::{CachedSession, POLL};
use crate::error::Result;
use crate::services::Core;
use crate::types::{ApiTokenAuth, Client, SessionAuth, User};
use std::sync::atomic::Ordering;

impl Core {
    /// A live session found by its access-token digest under one of `kinds` (tried in order).
    pub(crate) async fn live_session(
        &self,
        digest: &str,
        kinds: &[&'static str],
        now: i64,
    ) -> Result<Option<CachedSession>> {
        let cache = &self.cache;
        let load = async {
            for &kind in kinds {
                if let Some(session) = self.store.session_by_access(digest, kind, now).await? {
                    return Ok(Some(CachedSession { session, kind }));
                }
            }
            Ok(None)
        };
        let found = cache.through(&cache.sessions, digest, load).await?;
        // Expiry (and kind) are checked on every hit; rotation and revocation drop the cache.
        Ok(found.filter(|f| f.session.access_expires > now && kinds.contains(&f.kind)))
    }

    /// A live session of one kind (see [`Core::live_session`]).
    pub(crate) async fn live_session_of(
        &self,
        digest: &str,
        kind: &'static str,
        now: i64,
    ) -> Result<Option<SessionAuth>> {
        Ok(self.live_session(digest, &[kind], now).await?.map(|found| found.session))
    }

    /// A personal API token by its digest.
    pub(crate) async fn api_token(&self, digest: &str) -> Result<Option<ApiTokenAuth>> {
        let cache = &self.cache;
        Ok(cache.through(&cache.api_tokens, digest, self.store.api_token_by_digest(digest)).await?)
    }

    /// Notes an API token's use in the cache too (its row was just touched).
    pub(crate) fn api_token_used(&self, digest: &str, token: ApiTokenAuth) {
        let cache = &self.cache;
        cache.replace(&cache.api_tokens, digest, token);
    }

    /// A user by id (disabled users are not found).
    pub(crate) async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let cache = &self.cache;
        Ok(cache.through(&cache.users, &id, self.store.user(id)).await?)
    }

    /// Whether a row-less token's `jti` was revoked.
    pub(crate) async fn jti_revoked(&self, jti: &str) -> Result<bool> {
        let cache = &self.cache;
        // Kept either way: "not revoked" is what almost every check reads.
        let load = async { Ok(Some(self.store.jti_revoked(jti).await?)) };
        Ok(cache.through(&cache.revoked_jtis, jti, load).await?.unwrap_or(true))
    }

    /// The PBX domain name of an account, if it has one.
    pub async fn account_domain_name(&self, account_id: i64) -> Result<Option<String>> {
        let cache = &self.cache;
        // Kept either way: "no domain" is an answer too.
        let load = async { Ok(Some(self.store.domain(account_id).await?.and_then(|d| d.name))) };
        Ok(cache.through(&cache.domain_names, &account_id, load).await?.flatten())
    }

    /// A client by id.
    pub(crate) async fn client_by_id(&self, id: i64) -> Result<Option<Client>> {
        let cache = &self.cache;
        Ok(cache.through(&cache.clients, &id, self.store.client(id)).await?)
    }

    /// After a committed change to what bearer checks read: drops this instance's cache at once
    /// and moves the store's epoch, so every other instance drops its own within one poll. A
    /// failed bump is logged (the change itself stands).
    pub(crate) async fn forget(&self) {
        self.cache.drop_all();
        match self.store.bump_cache_epoch().await {
            Ok(()) => self.epoch_bumped.store(true, Ordering::Release),
            Err(err) => tracing::error!(error = %err, "the cache epoch could not be moved: other instances may \
                                                         serve a revoked token until their caches turn over"),
        }
    }

    /// After sessions ended in a transaction that moved the sessions' epoch itself (a rotation,
    /// a reused family): only this instance's cached sessions are left to drop.
    pub(crate) fn forget_sessions(&self) {
        self.cache.drop_sessions();
        self.epoch_bumped.store(true, Ordering::Release);
    }

    /// Waits until every serving instance has polled the epoch since this process moved it
    /// (an admin command that changed something, before it returns).
    pub async fn settle(&self) {
        if self.epoch_bumped.load(Ordering::Acquire) {
            tokio::time::sleep(POLL * 2).await;
        }
    }

    /// Polls the store's cache epoch every [`POLL`] for as long as the server runs: a moved epoch
    /// drops the cache; an unreadable one stops trusting it until it reads again.
    pub async fn watch_cache_epoch(&self) {
        let mut every = tokio::time::interval(POLL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = None;
        loop {
            every.tick().await;
            match self.store.cache_epoch().await {
                Ok(epoch) => {
                    let seen = last.unwrap_or(epoch);
                    self.cache.epoch_read(seen.all != epoch.all, seen.sessions != epoch.sessions);
                    last = Some(epoch);
                }
                Err(err) => {
                    if last.take().is_some() {
                        tracing::warn!(error = %err, "the cache epoch cannot be read: caching stops until it can");
                    }
                    self.cache.epoch_lost();
                }
            }
        }
    }
}
