-- Telephony credentials (issue 22). `users.sip_user` is a person's SIP user (an extension or a
-- SIP user name) in their tenant: the account's PBX domain is the realm, so it is unique within
-- an account, and NULL for a person without one.
-- `telephony_secrets` holds the shared secrets kordon signs SIP and TURN credentials with
-- (Kamailio's auth_ephemeral, coturn's TURN REST API): each sealed under the key-encryption key
-- as signing keys are (`kordon-sealed-v1:…`, bound to its id), so a copy of the database holds
-- no usable secret. The newest row signs; the servers accept every row.
ALTER TABLE users ADD COLUMN sip_user TEXT;
CREATE UNIQUE INDEX users_sip_user ON users (account_id, sip_user);
CREATE TABLE telephony_secrets (
    id BIGSERIAL PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
