//! The PostgreSQL store (scale-out): every kordon instance on one database shares all state; its
//! pool, its migrations, its one-statement refresh rotation ([`rotation`]) and audit batch
//! ([`audit_batch`]).

mod audit_batch;
mod rotation;
#[expect(clippy::duplicate_mod, reason = "one SQL text, compiled once for each database")]
#[path = "../sql/mod.rs"]
mod sql;

use crate::backend::{Backend, Spent};
use crate::errors::translate;
use kordon_core::ports::{StoreError, StoreResult};
use kordon_core::types::NewSession;
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The names the shared SQL (`sql/`) is written against.
type Db = sqlx::Postgres;
type SqlStore = PgStore;

pub struct PgStore {
    pool: sqlx::PgPool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A pooled connection idle for less than this is handed out without a ping. sqlx pings every
/// connection it hands out by default: a second round trip to PostgreSQL for every statement
/// (HikariCP skips the check within 500 ms of a connection's last use for the same reason). A
/// connection that died since (PostgreSQL restarted) fails its statement once and is dropped.
const PING_WHEN_IDLE: Duration = Duration::from_secs(1);

impl PgStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(translate)?;
        Self::connect_with(options).await
    }

    /// Connects with prepared options (tests use them to pin a schema via `search_path`).
    pub async fn connect_with(options: PgConnectOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_WHEN_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .map_err(translate)?;
        // Several instances may start at once; the migrator takes an advisory lock.
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(Self { pool })
    }
}

impl Backend for PgStore {
    /// Every transaction of the store writes: PostgreSQL's default is right.
    const BEGIN: &'static str = "BEGIN";

    async fn spend_refresh(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        now: i64,
    ) -> StoreResult<Spent> {
        rotation::spend(&self.pool, refresh_digest, client_id, successor, salt, now).await
    }

    async fn append_audit_batch(&self, events: &[kordon_core::audit::AuditEvent]) -> StoreResult<()> {
        audit_batch::append(&self.pool, events).await
    }
}
