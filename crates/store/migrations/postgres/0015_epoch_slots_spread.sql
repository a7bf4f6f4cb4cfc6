-- The 256 sessions-epoch counters of 0013 sat on two heap pages, so the planner updated a slot by
-- a sequential scan: every rotation checked the visibility of all 256 rows and of their dead
-- versions (HeapTupleSatisfiesVisibility near the top of a refresh profile). Spread over pages
-- (fillfactor 10: about 15 pages), the slot is found through its primary key, and each page
-- keeps room for its rows' HOT updates. Rebuilt, since a new fillfactor only applies to new rows.
CREATE TABLE cache_epoch_slots_spread (
    slot INTEGER PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
) WITH (fillfactor = 10);
INSERT INTO cache_epoch_slots_spread (slot, n) SELECT slot, n FROM cache_epoch_slots;
DROP TABLE cache_epoch_slots;
ALTER TABLE cache_epoch_slots_spread RENAME TO cache_epoch_slots;
ALTER INDEX cache_epoch_slots_spread_pkey RENAME TO cache_epoch_slots_pkey;
ANALYZE cache_epoch_slots;
