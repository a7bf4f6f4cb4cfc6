-- What a person's account page shows of each way they are signed in (issue 21): where a
-- browser sign-in was made and when it was last used (touched at most once a minute, when a
-- code is issued for it); where a personal API token was created; and the browser sign-in a
-- code-flow family came from (its first row: the account page's own sign-in is "this device").
ALTER TABLE login_sessions ADD COLUMN ip TEXT;
ALTER TABLE login_sessions ADD COLUMN user_agent TEXT;
ALTER TABLE login_sessions ADD COLUMN last_used_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN ip TEXT;
ALTER TABLE api_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN login_session TEXT;
