//! The embedded SQLite store (the zero-configuration default): WAL, a busy timeout, foreign keys;
//! its pool, its migrations, its refresh rotations ([`rotations`]) and audit batches
//! ([`audit_batch`]).

mod audit_batch;
mod audit_search;
mod rotations;
#[expect(clippy::duplicate_mod, reason = "one SQL text, compiled once for each database")]
#[path = "../sql/mod.rs"]
mod sql;

use crate::backend::{Backend, Spent};
use crate::errors::translate;
use kordon_core::ports::{StoreError, StoreResult};
use kordon_core::types::NewSession;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The names the shared SQL (`sql/`) is written against.
type Db = sqlx::Sqlite;
type SqlStore = SqliteStore;

pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    /// Refresh rotations go through one writer connection that commits them in groups.
    rotations: rotations::Rotations,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl SqliteStore {
    /// Opens (creating it and its folder if needed) the database file and migrates it.
    pub async fn open_file(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        Self::connect(SqliteConnectOptions::new().filename(path)).await
    }

    pub async fn connect_url(url: &str) -> StoreResult<Self> {
        Self::connect(SqliteConnectOptions::from_str(url).map_err(translate)?).await
    }

    async fn connect(options: SqliteConnectOptions) -> StoreResult<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // No ping before each use (sqlx's default): a round trip to the connection's worker thread
        // that an in-process database never fails.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(translate)?;
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Other(e.to_string()))?;
        let rotations = rotations::Rotations::start(&options).await?;
        Ok(Self { pool, rotations })
    }
}

impl Backend for SqliteStore {
    /// Every transaction of the store writes: take SQLite's write lock at once, so two writers
    /// never deadlock upgrading a read lock.
    const BEGIN: &'static str = "BEGIN IMMEDIATE";

    /// One statement per rotation, committed in groups by the rotation writer.
    async fn spend_refresh(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        now: i64,
    ) -> StoreResult<Spent> {
        self.rotations.spend(refresh_digest, client_id, successor, salt, now).await
    }

    async fn append_audit_batch(&self, events: &[kordon_core::audit::AuditEvent]) -> StoreResult<()> {
        audit_batch::append(&self.pool, events).await
    }
}

/// A fresh, migrated store in a folder of its own under the temp dir (`kordon-<name>-<pid>`), for
/// this module's tests; the folder is returned for them to remove.
#[cfg(test)]
pub(super) async fn test_store(name: &str) -> (SqliteStore, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("kordon-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = SqliteStore::open_file(&dir.join("kordon.db")).await.expect("store");
    (store, dir)
}
