-- A refresh rotation is one statement (data-modifying CTEs): the successor names the spent
-- session it replaced, the family's lineage (SQLite's rotation trigger needs the same column).
ALTER TABLE sessions ADD COLUMN parent_id BIGINT;
