//! PostgreSQL's refresh rotation: spend, successor and cache epoch in one statement (data-modifying
//! CTEs), so one round trip and no explicit transaction.

use crate::backend::Spent;
use crate::errors::translate;
use kordon_core::ports::StoreResult;
use kordon_core::types::NewSession;

/// One statement, so one round trip and no explicit transaction: only the first of concurrent
/// presenters gets the row (the others re-check `rotated_at IS NULL` after its commit and see
/// nothing, so they insert nothing and move nothing). The epoch moves in one of 256 slots.
pub(super) async fn spend(
    pool: &sqlx::PgPool,
    refresh_digest: &str,
    client_id: i64,
    successor: &NewSession,
    salt: &str,
    now: i64,
) -> StoreResult<Spent> {
    sqlx::query_as::<sqlx::Postgres, (i64, i64, i64, String)>(
        "WITH spent AS (
                 UPDATE sessions SET rotated_at = $1, rotation_salt = $5
                 WHERE refresh_digest = $2 AND client_id = $3 AND kind = $4 AND rotated_at IS NULL
                   AND revoked_at IS NULL AND refresh_expires > $1
                 RETURNING id, user_id, family_id, scope, COALESCE(family_expires, $6) AS family_expires
             ), born AS (
                 INSERT INTO sessions (family_id, user_id, client_id, access_digest, access_expires,
                                       refresh_digest, refresh_expires, created_at, ip, user_agent, kind,
                                       family_expires, parent_id, scope)
                 SELECT family_id, user_id, $3, $7, LEAST($8, family_expires), $9, LEAST($10, family_expires),
                        $1, $11, $12, $4, family_expires, id, scope
                 FROM spent
                 RETURNING user_id, access_expires, refresh_expires, scope
             ), moved AS (
                 UPDATE cache_epoch_slots SET n = n + 1 WHERE slot = $13 AND EXISTS (SELECT 1 FROM spent)
             )
             SELECT user_id, access_expires, refresh_expires, scope FROM born",
    )
    .bind(now)
    .bind(refresh_digest)
    .bind(client_id)
    .bind(successor.kind)
    .bind(salt)
    .bind(successor.family_expires)
    .bind(&successor.access_digest)
    .bind(successor.access_expires)
    .bind(&successor.refresh_digest)
    .bind(successor.refresh_expires)
    .bind(&successor.ip)
    .bind(&successor.user_agent)
    .bind(epoch_slot(refresh_digest))
    .fetch_optional(pool)
    .await
    .map_err(translate)
}

/// Which of PostgreSQL's 256 sessions-epoch counters a rotation moves (migration 0013): one
/// shared row would be locked by every rotation from its update until its commit's WAL flush,
/// so rotations would commit one at a time; spread by the spent digest, they commit together.
fn epoch_slot(refresh_digest: &str) -> i32 {
    refresh_digest.get(..2).and_then(|hex| i32::from_str_radix(hex, 16).ok()).unwrap_or(0)
}
