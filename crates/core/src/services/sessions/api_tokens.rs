//! Personal API tokens: long-lived bearers that authenticate like an access token until deleted.
//! Only digests are kept, so a list shows each token masked (its first characters and stars).

use crate::audit::kind::{TOKEN_ISSUED, TOKEN_REVOKED};
use crate::error::{Error, Result};
use crate::secrets::{digest, random_token};
use crate::services::{Core, Origin, Principal};
use crate::types::ApiTokenRow;

const PREFIX_LEN: usize = 4;
/// Laravel's default page size, as the seed shows it.
pub const PER_PAGE: i64 = 15;

/// One page of the caller's tokens.
#[derive(Debug)]
pub struct TokenPage {
    pub page: i64,
    pub rows: Vec<ApiTokenRow>,
    pub total: i64,
}

impl TokenPage {
    pub fn last_page(&self) -> i64 {
        ((self.total + PER_PAGE - 1) / PER_PAGE).max(1)
    }
    /// How a stored token is shown: its kept prefix, the rest masked.
    pub fn masked(prefix: &str) -> String {
        format!("{prefix}{}", "*".repeat(crate::services::sessions::TOKEN_LEN - prefix.len()))
    }
}

impl Core {
    /// A new personal API token, unless the user holds `limits.api_tokens_per_user` already (400).
    /// The count and the insert are two statements: parallel requests of one user may pass the cap
    /// by their number, never grow it without bound.
    pub async fn create_api_token(&self, principal: &Principal, client_id: i64, origin: &Origin) -> Result<String> {
        let cap = self.settings.limits.api_tokens_per_user;
        let (_, held) = self.store.list_api_tokens(principal.user.id, 0, 0).await?;
        if held >= cap {
            return Err(Error::refused(format!("You may have at most {cap} API tokens: delete one first.")));
        }
        let token = random_token(crate::services::sessions::TOKEN_LEN);
        let made_from = (origin.ip.as_deref(), origin.user_agent.as_deref());
        self.store
            .create_api_token(principal.user.id, &digest(&token), &token[..PREFIX_LEN], made_from, self.now())
            .await?;
        crate::metrics::token_issued("api_token");
        self.audit_token(TOKEN_ISSUED, "api_token", &principal.user, Some(client_id), Some(origin));
        Ok(token)
    }

    pub async fn list_api_tokens(&self, principal: &Principal, page: i64) -> Result<TokenPage> {
        let page = page.clamp(1, i64::MAX / PER_PAGE);
        let (rows, total) = self.store.list_api_tokens(principal.user.id, (page - 1) * PER_PAGE, PER_PAGE).await?;
        Ok(TokenPage { page, rows, total })
    }

    /// Deletes one of the caller's tokens; anyone else's looks exactly like a missing one.
    pub async fn delete_api_token(
        &self,
        principal: &Principal,
        id: i64,
        client_id: i64,
        origin: &Origin,
    ) -> Result<()> {
        match self.store.delete_api_token(id, principal.user.id).await? {
            true => {
                self.forget().await;
                self.audit_token(TOKEN_REVOKED, "api_token", &principal.user, Some(client_id), Some(origin));
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }
}
