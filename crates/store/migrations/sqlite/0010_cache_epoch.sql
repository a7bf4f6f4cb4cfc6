-- Every instance caches what bearer checks read (sessions, API tokens, users, clients). Whatever
-- revokes or changes them bumps this one counter; every instance polls it and drops its cache
-- when it moves, so a revocation on one instance (or by an admin command) reaches all of them.

CREATE TABLE cache_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO cache_epoch (id, value) VALUES (1, 0);
