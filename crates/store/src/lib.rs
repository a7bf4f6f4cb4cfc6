//! kordon's store: the core's `Store` port on embedded SQLite (the default) and on PostgreSQL
//! (scale-out). One SQL text serves both (`sql/`, compiled by each backend as its own `sql`
//! module); each backend ([`sqlite`], [`postgres`]) owns its pool, migrations and refresh
//! rotation, and implements the private `backend::Backend` trait for what differs.

mod backend;
mod errors;
pub mod postgres;
mod rows;
pub mod sqlite;

use kordon_core::ports::{Store, StoreError};
use std::path::Path;
use std::sync::Arc;

/// Opens the store a URL names (`postgres://…`, or `sqlite://…`), or else the embedded SQLite
/// file `DATA_DIR/kordon.db`, and applies pending migrations.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Arc<dyn Store>, StoreError> {
    match database_url.filter(|u| !u.trim().is_empty()) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(postgres::PgStore::connect(url).await?))
        }
        Some(url) if url.starts_with("sqlite:") => Ok(Arc::new(sqlite::SqliteStore::connect_url(url).await?)),
        Some(other) => Err(StoreError::Other(format!(
            "unsupported database URL scheme in {:?}: use postgres://… or sqlite://…",
            other.split(':').next().unwrap_or_default()
        ))),
        None => Ok(Arc::new(sqlite::SqliteStore::open_file(&data_dir.join("kordon.db")).await?)),
    }
}
