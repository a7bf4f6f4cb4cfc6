//! The SQL of every port, one text for both databases: both take `$N` parameters, `RETURNING` and
//! `ON CONFLICT … DO UPDATE … WHERE`, so each backend compiles these same files as its own `sql`
//! module (`#[path]`), against two names its module gives: `Db` (the sqlx database) and `SqlStore`
//! (the store). What differs between the databases is behind `crate::backend::Backend`. Atomicity
//! comes from single conditional statements (`UPDATE … WHERE … RETURNING`), never from a read
//! followed by a write.

mod accounts;
mod admin;
pub(super) mod audit;
mod biometrics;
mod contacts;
mod defender;
mod lifecycle;
mod mfa;
mod oauth;
mod oidc;
mod passkeys;
mod telephony;
mod tokens;

use super::{Db, SqlStore};
