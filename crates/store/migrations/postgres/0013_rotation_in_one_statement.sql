-- A refresh rotation is one statement (data-modifying CTEs): the successor names the spent
-- session it replaced, the family's lineage (SQLite's rotation trigger needs the same column).
ALTER TABLE sessions ADD COLUMN parent_id BIGINT;

-- The sessions' cache epoch a rotation moves, spread over 256 counters picked by the spent
-- token's digest: one shared row stays locked by each rotation until its commit is flushed, so
-- rotations would commit one at a time. Instances poll cache_epoch.sessions + SUM(n).
CREATE TABLE cache_epoch_slots (
    slot INTEGER PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
);
INSERT INTO cache_epoch_slots (slot) SELECT generate_series(0, 255);
