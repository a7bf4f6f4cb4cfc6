//! The biometric records the store keeps (seed 002): persons enrolled for recognition ("users" on
//! the wire) and their phrases and face tokens. The services on them are in
//! `services::biometrics`.

/// A person enrolled for recognition. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub master_token: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The two kinds of identifier a person has: each is a string attached to one person, kept in a
/// table of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    Phrase,
    FaceToken,
}

impl IdentifierKind {
    /// The name of the value's field on the wire (and of its column).
    pub fn field(self) -> &'static str {
        match self {
            Self::Phrase => "phrase",
            Self::FaceToken => "face_token",
        }
    }
}

/// A phrase or a face token of a person. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub id: i64,
    pub person_id: i64,
    /// The phrase or the face token.
    pub value: String,
    pub created_at: i64,
    pub updated_at: i64,
}
