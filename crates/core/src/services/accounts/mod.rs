//! Who a user is and how they prove it: logging in (password, FlashCall PIN), registering,
//! changing a known password, FlashCall verification, and the account's contract manager.

pub(crate) mod flashcall;
pub(crate) mod login;
mod manager;
