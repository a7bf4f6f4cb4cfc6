-- A refresh rotation is one statement: the successor is inserted from the spent row, naming it
-- in parent_id (the family's lineage) and carrying the spend's salt in rotation_salt; this
-- trigger then marks the parent rotated, moves the salt onto it (where the grace-window retry
-- reads it) and moves the sessions' cache epoch, all inside that one atomic statement.
ALTER TABLE sessions ADD COLUMN parent_id INTEGER;

CREATE TRIGGER sessions_rotation AFTER INSERT ON sessions WHEN NEW.parent_id IS NOT NULL
BEGIN
    UPDATE sessions SET rotated_at = NEW.created_at, rotation_salt = NEW.rotation_salt WHERE id = NEW.parent_id;
    UPDATE sessions SET rotation_salt = NULL WHERE id = NEW.id;
    UPDATE cache_epoch SET sessions = sessions + 1 WHERE id = 1;
END;

-- PostgreSQL spreads rotations' epoch moves over counters (its rows lock until commit); SQLite
-- has one writer, so its trigger moves cache_epoch.sessions and this table stays empty. It
-- exists so both stores read the epoch with one query.
CREATE TABLE cache_epoch_slots (
    slot INTEGER PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
);
