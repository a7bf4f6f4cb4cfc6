//! One in-process cache for what every bearer check reads — sessions by access-token digest,
//! personal API tokens, users, clients and their secret digests, verified JWTs, revoked `jti`s of
//! row-less tokens and accounts' domain names — kept coherent with the store and with every other
//! instance on it.
//!
//! Coherence: whatever revokes or changes those rows (logout, a password change, disabling or
//! deleting a user, revoking a token or session, deleting an application or API token) first
//! commits, then drops this instance's cache and bumps the store's *cache epoch*
//! ([`crate::ports::TokenStore::bump_cache_epoch`]). A refresh rotation (or a reused family) only
//! ends sessions: its own transaction moves the epoch's `sessions` counter, and only cached
//! sessions are dropped, so a busy refresh load leaves clients, users and verified JWTs cached.
//! Every serving instance polls the epoch every
//! [`POLL`] and drops its cache when it moved, so news reaches every instance within one poll. An
//! instance that cannot read the epoch stops trusting its cache (every check goes to the store)
//! until it can again; before its first poll it trusts nothing. A load that raced a drop of its
//! map is not kept: each map's drop moves that map's generation, and a loaded row is kept only if
//! the generation it was read under is still current (checked under the map's lock). The
//! generation is the map's own, not the cache's: a refresh load ends sessions a thousand times a
//! second, and a user or client read meanwhile is still good (with one generation for all, the
//! 2026-12-06 profile found a user read per refresh that was never kept).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::claims::Claims;
use crate::ports::StoreResult;
use crate::types::{ApiTokenAuth, Client, SessionAuth, User};

/// How often a serving instance reads the cache epoch: the bound on how stale another
/// instance's (or an admin command's) revocation can be seen here.
pub const POLL: Duration = Duration::from_millis(250);

/// Entries one map holds at most; a full map starts over, so a flood of distinct tokens cannot
/// grow memory past a few MiB a map (a miss costs what it cost without the cache).
const CAPACITY: usize = 20_000;

/// A live session as cached: the row and the kind it was found under.
#[derive(Debug, Clone)]
pub(crate) struct CachedSession {
    pub session: SessionAuth,
    pub kind: &'static str,
}

/// The maps and the switch that keeps them honest.
#[derive(Default)]
pub struct Cache {
    /// False until the epoch has been read, and whenever it cannot be.
    trusted: AtomicBool,
    pub(crate) sessions: Map<String, CachedSession>,
    pub(crate) api_tokens: Map<String, ApiTokenAuth>,
    pub(crate) users: Map<i64, User>,
    pub(crate) clients: Map<i64, Client>,
    /// Clients' stored secret digests (client authentication).
    pub(crate) secret_digests: Map<i64, String>,
    /// JWTs whose signature and claims checked out, by the token's digest.
    pub(crate) verified: Map<String, Claims>,
    /// Whether a row-less token's `jti` was revoked (RFC 7009).
    pub(crate) revoked_jtis: Map<String, bool>,
    /// The PBX domain name of an account (None: the account has none).
    pub(crate) domain_names: Map<i64, Option<String>>,
}

/// One keyed map of the cache.
pub(crate) struct Map<K, V> {
    entries: RwLock<HashMap<K, V>>,
    /// Moves on every drop of this map; a load keeps its row only under the generation it began in.
    generation: AtomicU64,
}

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Self { entries: RwLock::new(HashMap::new()), generation: AtomicU64::new(0) }
    }
}

impl<K, V> Map<K, V> {
    /// The generation a load about to begin runs under (for [`Cache::keep`]).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

impl<K: Eq + Hash, V: Clone> Map<K, V> {
    fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.entries.read().ok()?.get(key).cloned()
    }

    /// Drops every entry; loads of this map in flight are not kept.
    fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut map) = self.entries.write() {
            map.clear();
        }
    }
}

impl Cache {
    /// The cached value of `key`, else what `load` reads (kept when found, trusted and not
    /// raced by a drop).
    pub(crate) async fn through<K, V, Q, F>(&self, map: &Map<K, V>, key: &Q, load: F) -> StoreResult<Option<V>>
    where
        K: Eq + Hash + Borrow<Q>,
        Q: Eq + Hash + ToOwned<Owned = K> + ?Sized,
        V: Clone,
        F: Future<Output = StoreResult<Option<V>>>,
    {
        if self.trusted()
            && let Some(value) = map.get(key)
        {
            return Ok(Some(value));
        }
        let generation = map.generation();
        let loaded = load.await?;
        if let Some(value) = &loaded {
            self.keep(map, key.to_owned(), value.clone(), generation);
        }
        Ok(loaded)
    }

    /// Keeps a value read under the map's `generation`, unless the map was dropped since.
    pub(crate) fn keep<K: Eq + Hash, V>(&self, map: &Map<K, V>, key: K, value: V, generation: u64) {
        let Ok(mut entries) = map.entries.write() else { return };
        if !self.trusted() || map.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, value);
    }

    /// Replaces `key`'s value if it is cached, under the map's lock: a map dropped meanwhile has
    /// nothing to bring back (a revoked row is never cached again this way).
    pub(crate) fn replace<K, V, Q>(&self, map: &Map<K, V>, key: &Q, value: V)
    where
        K: Eq + Hash + Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let Ok(mut entries) = map.entries.write() else { return };
        if let Some(slot) = entries.get_mut(key) {
            *slot = value;
        }
    }

    /// A cached value, if the cache is trusted.
    pub(crate) fn cached<K, V, Q>(&self, map: &Map<K, V>, key: &Q) -> Option<V>
    where
        K: Eq + Hash + Borrow<Q>,
        Q: Eq + Hash + ?Sized,
        V: Clone,
    {
        if self.trusted() { map.get(key) } else { None }
    }

    fn trusted(&self) -> bool {
        self.trusted.load(Ordering::Acquire)
    }

    /// Drops everything cached (loads in flight are not kept).
    pub fn drop_all(&self) {
        self.sessions.clear();
        self.api_tokens.clear();
        self.users.clear();
        self.clients.clear();
        self.secret_digests.clear();
        self.verified.clear();
        self.domain_names.clear();
        self.revoked_jtis.clear();
    }

    /// The epoch could be read: trust the cache again (after dropping it when the epoch moved
    /// or trust had been lost).
    pub(crate) fn epoch_read(&self, moved: bool, sessions_moved: bool) {
        if moved || !self.trusted() {
            self.drop_all();
        } else if sessions_moved {
            self.drop_sessions();
        }
        self.trusted.store(true, Ordering::Release);
    }

    /// Drops the cached sessions only (sessions ended; nothing else changed).
    pub fn drop_sessions(&self) {
        self.sessions.clear();
    }

    /// The epoch could not be read: trust nothing until it can.
    pub(crate) fn epoch_lost(&self) {
        self.trusted.store(false, Ordering::Release);
        self.drop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64) -> User {
        User {
            id,
            account_id: 1,
            email: format!("{id}@mail.ru"),
            phone: None,
            first_name: None,
            last_name: None,
            middle_name: None,
            role: crate::types::Role::LkUser,
            role_id: 0,
            password_hash: String::new(),
            token_generation: 0,
            email_verified: false,
            sip_user: None,
        }
    }

    #[tokio::test]
    async fn nothing_is_kept_or_served_until_the_epoch_is_read() {
        let cache = Cache::default();
        let loaded = cache.through(&cache.users, &1, async { Ok(Some(user(1))) }).await.expect("load");
        assert_eq!(loaded.map(|u| u.id), Some(1));
        assert!(cache.users.get(&1).is_none(), "untrusted: not kept");
        cache.epoch_read(false, false);
        cache.through(&cache.users, &1, async { Ok(Some(user(1))) }).await.expect("load");
        let again = cache.through(&cache.users, &1, async { panic!("served from the cache") }).await.expect("hit");
        assert_eq!(again.map(|u| u.id), Some(1));
        cache.epoch_lost();
        assert!(cache.cached(&cache.users, &1).is_none(), "lost: dropped and not trusted");
    }

    #[tokio::test]
    async fn a_load_that_raced_a_drop_is_not_kept() {
        let cache = Cache::default();
        cache.epoch_read(false, false);
        let generation = cache.users.generation();
        cache.drop_all();
        cache.keep(&cache.users, 1, user(1), generation);
        assert!(cache.users.get(&1).is_none());
        cache.keep(&cache.users, 1, user(1), cache.users.generation());
        assert!(cache.users.get(&1).is_some());
    }

    #[tokio::test]
    async fn a_sessions_move_drops_sessions_only() {
        let cache = Cache::default();
        cache.epoch_read(false, false);
        let session = SessionAuth {
            session_id: 1,
            family_id: "f".into(),
            user_id: 1,
            client_id: 10553,
            access_expires: 0,
            refresh_expires: 0,
        };
        let cached = CachedSession { session, kind: "cabinet" };
        cache.keep(&cache.sessions, "d".into(), cached.clone(), cache.sessions.generation());
        cache.keep(&cache.users, 1, user(1), cache.users.generation());
        let (sessions, users) = (cache.sessions.generation(), cache.users.generation());
        cache.epoch_read(false, true);
        assert!(cache.sessions.get("d").is_none(), "sessions dropped");
        assert!(cache.users.get(&1).is_some(), "users kept");
        cache.keep(&cache.sessions, "e".into(), cached, sessions);
        assert!(cache.sessions.get("e").is_none(), "a session read that raced the drop is not kept");
        cache.keep(&cache.users, 2, user(2), users);
        assert!(cache.users.get(&2).is_some(), "a user read meanwhile is still good: kept");
        cache.epoch_read(true, false);
        assert!(cache.users.get(&1).is_none(), "everything dropped");
    }

    #[tokio::test]
    async fn misses_are_not_cached() {
        let cache = Cache::default();
        cache.epoch_read(false, false);
        assert!(cache.through(&cache.users, &7, async { Ok(None) }).await.expect("load").is_none());
        let found = cache.through(&cache.users, &7, async { Ok(Some(user(7))) }).await.expect("load");
        assert_eq!(found.map(|u| u.id), Some(7));
    }
}
