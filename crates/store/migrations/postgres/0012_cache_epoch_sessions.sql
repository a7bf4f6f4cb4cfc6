-- A refresh rotation only ends sessions (the spent one, or a reused family): it moves this
-- counter, and instances drop only their cached sessions, keeping clients, users and verified
-- JWTs. `value` still moves for everything else and drops the whole cache.
ALTER TABLE cache_epoch ADD COLUMN sessions BIGINT NOT NULL DEFAULT 0;
