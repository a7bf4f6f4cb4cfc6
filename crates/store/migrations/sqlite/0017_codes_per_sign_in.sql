-- A sign-in keeps at most a few unspent codes per client (the oldest go when a new one is
-- issued): a browser looping prompt=none used to add a row per request. This index finds them.
CREATE INDEX authorization_codes_sign_in ON authorization_codes (login_session, client_id);
