-- FlashCall as a second factor (issue 21): a person with a phone switches it on on their account
-- page; the login page's second step then offers to call that phone (a PIN of its own purpose,
-- `mfa`, behind the whole toll-fraud guard). A row is the switch; it does nothing without a phone.
CREATE TABLE flashcall_factors (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
