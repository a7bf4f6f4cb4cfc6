//! The contacts' port: links mailed to prove an address (a new one, or the one a person has) and
//! a person's new phone. A link is taken once (`DELETE … RETURNING`), and what it proves is
//! written in the same transaction, so two clicks never change an address twice.

use crate::ports::StoreResult;
use async_trait::async_trait;

/// What a mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPurpose {
    /// The person moves to the address the link was mailed to.
    Change,
    /// The person proves the address they have.
    Verify,
}

impl EmailPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Change => "change",
            Self::Verify => "verify",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "change" => Some(Self::Change),
            "verify" => Some(Self::Verify),
            _ => None,
        }
    }
}

/// A link mailed and not yet followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEmail {
    pub user_id: i64,
    /// The address the link proves, as typed.
    pub email: String,
    pub purpose: EmailPurpose,
}

/// What following a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailConfirmed {
    /// The address is the person's now, and proved; `before` is the one they had.
    Done { user_id: i64, before: String, email: String, purpose: EmailPurpose },
    /// No such link, or it died (spent, expired, replaced by a newer one).
    Dead,
    /// Someone else has the address now; the link is spent.
    Taken { user_id: i64 },
    /// A `verify` link for an address the person no longer has; the link is spent.
    Stale { user_id: i64 },
}

#[async_trait]
pub trait ContactStore: Send + Sync + 'static {
    /// Records a mailed link (the digest of its token); the person's earlier link dies (one
    /// statement: two at once leave one).
    async fn put_email_link(
        &self,
        digest: &str,
        link: &PendingEmail,
        email_key: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// Forgets a link (its mail could not be sent).
    async fn drop_email_link(&self, digest: &str) -> StoreResult<()>;
    /// The live link of this digest, for the page it opens (nothing is spent).
    async fn email_link(&self, digest: &str, now: i64) -> StoreResult<Option<PendingEmail>>;
    /// Follows a live link in one transaction: takes it, sets the address (for `change`) and
    /// when it was proved, and spends the person's password-reset links (they went to the
    /// address that was). `Conflict` when someone took the address meanwhile (nothing written).
    async fn follow_email_link(&self, digest: &str, now: i64) -> StoreResult<EmailConfirmed>;
    /// Sets a person's phone; false when someone else has it.
    async fn set_phone(&self, user_id: i64, phone: &str) -> StoreResult<bool>;
}
