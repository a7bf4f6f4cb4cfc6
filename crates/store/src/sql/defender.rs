//! The SQL of the Defender's state, one text for both databases (see `sql`): counters are
//! single upserts, a block is set by exactly one of concurrent callers, each with its audit line.

use super::audit::write_event;
use super::{Db, SqlStore};
use crate::backend::Backend;
use crate::errors::translate;
use kordon_core::audit::{AuditEvent, SUCCESS, kind};
use kordon_core::ports::{CappedQuery, CappedRow, StoreResult};
use kordon_core::types::{Admission, Block, Outcome};

#[async_trait::async_trait]
impl kordon_core::ports::DefenderStore for SqlStore {
    async fn host_blocked_until(&self, host: &str, now: i64) -> StoreResult<Option<i64>> {
        sqlx::query_scalar::<Db, i64>("SELECT blocked_until FROM defender_hosts WHERE host = $1 AND blocked_until > $2")
            .bind(host)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(translate)
    }

    async fn admit_host(&self, host: &str, limit: i64, window: i64, lease: i64, now: i64) -> StoreResult<Admission> {
        // Failures of a lapsed window and checks in flight of a lapsed lease count as none.
        // The lease runs from when the count last left zero, so a count that a dead
        // instance left behind lapses even while the host keeps sending.
        let admitted = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO defender_hosts (host, failures, window_start, in_flight, in_flight_at)
             VALUES ($1, 0, $2, 1, $2)
             ON CONFLICT (host) DO UPDATE SET
                 failures = CASE WHEN defender_hosts.window_start <= $3 THEN 0
                                 ELSE defender_hosts.failures END,
                 window_start = CASE WHEN defender_hosts.window_start <= $3 THEN $2
                                     ELSE defender_hosts.window_start END,
                 in_flight = CASE WHEN defender_hosts.in_flight_at <= $5 THEN 1
                                  ELSE defender_hosts.in_flight + 1 END,
                 in_flight_at = CASE WHEN defender_hosts.in_flight_at <= $5 OR defender_hosts.in_flight = 0 THEN $2
                                     ELSE defender_hosts.in_flight_at END
             WHERE defender_hosts.blocked_until <= $2
               AND (CASE WHEN defender_hosts.window_start <= $3 THEN 0 ELSE defender_hosts.failures END)
                 + (CASE WHEN defender_hosts.in_flight_at <= $5 THEN 0 ELSE defender_hosts.in_flight END) < $4
             RETURNING failures",
        )
        .bind(host)
        .bind(now)
        .bind(now.saturating_sub(window))
        .bind(limit)
        .bind(now.saturating_sub(lease))
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        if let Some(failures) = admitted {
            return Ok(Admission::Admitted { failures });
        }
        Ok(match self.host_blocked_until(host, now).await? {
            Some(until) => Admission::Refused { until },
            None => Admission::Full,
        })
    }

    async fn release_host(&self, host: &str, failed: bool) -> StoreResult<i64> {
        let failures = sqlx::query_scalar::<Db, i64>(
            "UPDATE defender_hosts SET in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END,
                 failures = failures + $2
             WHERE host = $1 RETURNING failures",
        )
        .bind(host)
        .bind(i64::from(failed))
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(failures.unwrap_or(0))
    }

    async fn host_failure(&self, host: &str, window: i64, now: i64) -> StoreResult<i64> {
        sqlx::query_scalar::<Db, i64>(
            "INSERT INTO defender_hosts (host, failures, window_start) VALUES ($1, 1, $2)
             ON CONFLICT (host) DO UPDATE SET
                 failures = CASE WHEN defender_hosts.window_start <= $3 THEN 1
                                 ELSE defender_hosts.failures + 1 END,
                 window_start = CASE WHEN defender_hosts.window_start <= $3 THEN $2
                                     ELSE defender_hosts.window_start END
             RETURNING failures",
        )
        .bind(host)
        .bind(now)
        .bind(now.saturating_sub(window))
        .fetch_one(&self.pool)
        .await
        .map_err(translate)
    }

    async fn block_host(
        &self,
        host: &str,
        base: i64,
        max: i64,
        reason: &str,
        account: Option<&str>,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        // Claim the block first (a write, so SQLite takes its lock before anything is read);
        // only one of concurrent callers gets a row back.
        let offences = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO defender_hosts (host, failures, window_start, blocked_until, offences, reason, last_account,
                                         blocked_at)
             VALUES ($1, 0, 0, $2, 1, $3, $4, $5)
             ON CONFLICT (host) DO UPDATE SET blocked_until = $2, offences = defender_hosts.offences + 1,
                 reason = $3, last_account = $4, window_start = 0, blocked_at = $5
             WHERE defender_hosts.blocked_until <= $5
             RETURNING offences",
        )
        .bind(host)
        .bind(now + base)
        .bind(reason)
        .bind(account)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        let until = match offences {
            // Repeat offenders wait longer: the base doubled per earlier offence, capped.
            Some(offences) if offences > 1 => {
                let until = now + base.saturating_mul(1_i64 << (offences - 1).clamp(0, 20)).min(max).max(1);
                sqlx::query::<Db>("UPDATE defender_hosts SET blocked_until = $1 WHERE host = $2")
                    .bind(until)
                    .bind(host)
                    .execute(&mut *tx)
                    .await
                    .map_err(translate)?;
                Some(until)
            }
            Some(_) => Some(now + base),
            None => None,
        };
        if until.is_some() {
            let mut line = AuditEvent::new(kind::DEFENDER_BLOCK, SUCCESS).at(now).ip(Some(host)).actor("defender");
            line.subject = account.map(str::to_owned);
            write_event(&mut *tx, &line.reason(reason)).await?;
        }
        tx.commit().await.map_err(translate)?;
        Ok(until)
    }

    async fn unblock_host(&self, host: &str, actor: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let account = sqlx::query_scalar::<Db, Option<String>>(
            "UPDATE defender_hosts SET blocked_until = 0, failures = 0, window_start = 0
             WHERE host = $1 AND blocked_until > $2
             RETURNING last_account",
        )
        .bind(host)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(translate)?;
        let Some(account) = account else {
            return Ok(false);
        };
        let mut line = AuditEvent::new(kind::DEFENDER_UNBLOCK, SUCCESS).at(now).ip(Some(host)).actor(actor);
        line.subject = account;
        write_event(&mut *tx, &line).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn blocks(&self, now: i64) -> StoreResult<Vec<Block>> {
        let rows = sqlx::query_as::<Db, (String, Option<String>, i64, i64, Option<String>, i64)>(
            "SELECT host, reason, failures, blocked_until, last_account, blocked_at FROM defender_hosts
             WHERE blocked_until > $1 ORDER BY blocked_until, host",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows
            .into_iter()
            .map(|(ip, reason, failures, blocked_until, account, blocked_at)| Block {
                ip,
                reason: reason.unwrap_or_default(),
                failures,
                blocked_until,
                blocked_at,
                account,
            })
            .collect())
    }

    async fn count_blocks(&self, now: i64) -> StoreResult<i64> {
        sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM defender_hosts WHERE blocked_until > $1")
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(translate)
    }

    async fn record_failure(&self, host: &str, account: &str, now: i64) -> StoreResult<()> {
        sqlx::query::<Db>("INSERT INTO defender_failures (host, account, at) VALUES ($1, $2, $3)")
            .bind(host)
            .bind(account)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }

    async fn attacked_accounts(&self, host: &str, since: i64, until: i64) -> StoreResult<Vec<String>> {
        sqlx::query_scalar::<Db, String>(
            "SELECT DISTINCT account FROM defender_failures WHERE host = $1 AND at >= $2 AND at <= $3",
        )
        .bind(host)
        .bind(since)
        .bind(until)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)
    }

    async fn admit_account(
        &self,
        account: &str,
        limit: i64,
        max_failures: i64,
        window: i64,
        lease: i64,
        now: i64,
    ) -> StoreResult<Admission> {
        // Below `limit` failures plus checks in flight, checks run side by side; at or past
        // it one at a time; past `max_failures` none until the window lapses.
        let admitted = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO defender_accounts (account, failures, window_start, in_flight, in_flight_at)
             VALUES ($1, 0, $2, 1, $2)
             ON CONFLICT (account) DO UPDATE SET
                 failures = CASE WHEN defender_accounts.window_start <= $3 THEN 0
                                 ELSE defender_accounts.failures END,
                 window_start = CASE WHEN defender_accounts.window_start <= $3 THEN $2
                                     ELSE defender_accounts.window_start END,
                 in_flight = CASE WHEN defender_accounts.in_flight_at <= $5 THEN 1
                                  ELSE defender_accounts.in_flight + 1 END,
                 in_flight_at = CASE WHEN defender_accounts.in_flight_at <= $5 OR defender_accounts.in_flight = 0 THEN $2
                                     ELSE defender_accounts.in_flight_at END
             WHERE (CASE WHEN defender_accounts.window_start <= $3 THEN 0 ELSE defender_accounts.failures END) < $6
               AND ((CASE WHEN defender_accounts.window_start <= $3 THEN 0 ELSE defender_accounts.failures END)
                    + (CASE WHEN defender_accounts.in_flight_at <= $5 THEN 0 ELSE defender_accounts.in_flight END) < $4
                    OR (CASE WHEN defender_accounts.in_flight_at <= $5 THEN 0 ELSE defender_accounts.in_flight END) = 0)
             RETURNING failures",
        )
        .bind(account)
        .bind(now)
        .bind(now.saturating_sub(window))
        .bind(limit)
        .bind(now.saturating_sub(lease))
        .bind(max_failures)
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        if let Some(failures) = admitted {
            return Ok(Admission::Admitted { failures });
        }
        let row = sqlx::query_as::<Db, (i64, i64)>(
            "SELECT failures, window_start FROM defender_accounts WHERE account = $1 AND window_start > $2",
        )
        .bind(account)
        .bind(now.saturating_sub(window))
        .fetch_optional(&self.pool)
        .await
        .map_err(translate)?;
        Ok(match row {
            Some((failures, start)) if failures >= max_failures => {
                Admission::Refused { until: start.saturating_add(window) }
            }
            _ => Admission::Full,
        })
    }

    async fn release_account(&self, account: &str, outcome: Outcome) -> StoreResult<()> {
        // A passed check clears the login's failures (its owner is back).
        sqlx::query::<Db>(
            "UPDATE defender_accounts SET in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END,
                 failures = CASE WHEN $2 < 0 THEN 0 ELSE failures + $2 END
             WHERE account = $1",
        )
        .bind(account)
        .bind(match outcome {
            Outcome::Failed => 1_i64,
            Outcome::Undecided => 0,
            Outcome::Passed => -1,
        })
        .execute(&self.pool)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn forgive_account(&self, account: &str, actor: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Self::BEGIN).await.map_err(translate)?;
        let done = sqlx::query::<Db>("UPDATE defender_accounts SET failures = 0 WHERE account = $1 AND failures > 0")
            .bind(account)
            .execute(&mut *tx)
            .await
            .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let line = AuditEvent::new(kind::DEFENDER_FORGIVE, SUCCESS).at(now).subject(account).actor(actor);
        write_event(&mut *tx, &line).await?;
        tx.commit().await.map_err(translate)?;
        Ok(true)
    }

    async fn capped_accounts(&self, q: &CappedQuery<'_>) -> StoreResult<Vec<CappedRow>> {
        // A login key names its user by email key, phone or (a second factor's) id, compared as
        // text so no cast can fail; casts name the types PostgreSQL cannot infer from IS NULL.
        let rows = sqlx::query_as::<Db, (String, i64, i64, Option<i64>)>(
            "SELECT d.account, d.failures, d.window_start, u.id FROM defender_accounts d
             LEFT JOIN users u ON (substr(d.account, 1, 6) = 'email:' AND u.email_key = substr(d.account, 7))
                               OR (substr(d.account, 1, 6) = 'phone:' AND u.phone = substr(d.account, 7))
                               OR (substr(d.account, 1, 4) = 'mfa:' AND CAST(u.id AS TEXT) = substr(d.account, 5))
             WHERE d.window_start > $3
               AND d.failures >= CASE WHEN substr(d.account, 1, 6) = 'phone:' THEN $2
                                      WHEN substr(d.account, 1, 4) = 'mfa:' THEN $7 ELSE $1 END
               AND (CAST($4 AS BIGINT) IS NULL OR (u.account_id = $4 AND u.role <> 'operator'))
               AND (CAST($5 AS TEXT) IS NULL OR d.account = $5)
             ORDER BY d.window_start DESC, d.account
             LIMIT $6",
        )
        .bind(q.email_max)
        .bind(q.phone_max)
        .bind(q.since)
        .bind(q.tenant)
        .bind(q.login)
        .bind(q.limit)
        .bind(q.mfa_max)
        .fetch_all(&self.pool)
        .await
        .map_err(translate)?;
        Ok(rows
            .into_iter()
            .map(|(login, failures, window_start, user_id)| CappedRow { login, failures, window_start, user_id })
            .collect())
    }

    async fn clear_account_failures(&self, account: &str) -> StoreResult<()> {
        sqlx::query::<Db>("UPDATE defender_accounts SET failures = 0 WHERE account = $1")
            .bind(account)
            .execute(&self.pool)
            .await
            .map_err(translate)?;
        Ok(())
    }
}
