//! sqlx errors translated into the core's `StoreError` at the store boundary.

use kordon_core::ports::StoreError;

pub(crate) fn translate(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            // SQLite names the column ("UNIQUE constraint failed: users.email_key"),
            // PostgreSQL the constraint ("users_email_key"); both mention the column.
            let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
            let field = ["email", "phone", "digest", "name"].into_iter().find(|f| text.contains(f)).unwrap_or("id");
            StoreError::Conflict(field)
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        other => StoreError::Other(other.to_string()),
    }
}
