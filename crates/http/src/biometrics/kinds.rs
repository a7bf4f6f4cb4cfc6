//! The two kinds of identifier, as types: one set of handlers and views serves phrases and face
//! tokens, told apart by these markers.

use super::bodies::{FaceTokenBody, PhraseBody};
use kordon_core::biometrics::{IdentifierInput, IdentifierKind};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Which identifier table a route serves, its body, and how its `PUT` answer is ordered.
pub(crate) trait Kind: Send + Sync + 'static {
    const KIND: IdentifierKind;
    /// The seed answers a phrase's `PUT` like a create, a face token's like a `GET`.
    const UPDATED: Order;
    /// The name of the answer's schema in the document.
    const SCHEMA: &'static str;
    /// The body of a create or update.
    type Body: DeserializeOwned + Into<IdentifierInput> + Send;

    /// The seed's example of a record just created.
    fn example() -> Value;
}

/// `/api/phrases`: voice phrases.
pub(crate) struct Phrases;
/// `/api/faceTokens`: face tokens.
pub(crate) struct FaceTokens;

impl Kind for Phrases {
    const KIND: IdentifierKind = IdentifierKind::Phrase;
    const UPDATED: Order = Order::Saved;
    const SCHEMA: &'static str = "Phrase";
    type Body = PhraseBody;

    fn example() -> Value {
        json!({ "phrase": "new_phrase", "user_id": 3,
                "updated_at": "2018-03-29 09:40:29", "created_at": "2018-03-29 09:40:29", "id": 2 })
    }
}

impl Kind for FaceTokens {
    const KIND: IdentifierKind = IdentifierKind::FaceToken;
    const UPDATED: Order = Order::Stored;
    const SCHEMA: &'static str = "FaceToken";
    type Body = FaceTokenBody;

    fn example() -> Value {
        json!({ "face_token": "new_test_face_token", "user_id": 3,
                "updated_at": "2018-03-29 09:46:06", "created_at": "2018-03-29 09:46:06", "id": 2 })
    }
}

/// The key order of an identifier's JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Order {
    /// `{id, user_id, <value>, created_at, updated_at}`.
    Stored,
    /// `{<value>, user_id, updated_at, created_at, id}`.
    Saved,
}
