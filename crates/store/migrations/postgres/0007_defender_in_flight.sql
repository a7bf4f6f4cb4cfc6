-- The Defender counts attacks, not traffic: checks in flight are counted apart from failures, so
-- many right logins at once block nothing, while failures plus checks in flight still never pass
-- the threshold. in_flight_at lets a count left behind by a crashed instance lapse.

ALTER TABLE defender_hosts ADD COLUMN in_flight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE defender_hosts ADD COLUMN in_flight_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE defender_accounts ADD COLUMN in_flight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE defender_accounts ADD COLUMN in_flight_at BIGINT NOT NULL DEFAULT 0;

-- A refresh family's absolute end: rotation never carries a session past it, so a stolen
-- refresh token cannot be rotated forever. NULL (sessions from before): no cap.
ALTER TABLE sessions ADD COLUMN family_expires BIGINT;
