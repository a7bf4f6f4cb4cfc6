-- Which logins each failure from a host attacked, so a PBX domain's administrator may lift only
-- blocks caused by attacks on its own users; and when each block began.

CREATE TABLE defender_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    host TEXT NOT NULL,
    account TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX defender_failures_host ON defender_failures (host, at);

ALTER TABLE defender_hosts ADD COLUMN blocked_at INTEGER NOT NULL DEFAULT 0;

-- Client ids handed out without --id come from a counter, so a deleted client's id is never
-- given to another one (the first is 10554, after the cabinet's 10553).
CREATE TABLE id_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO id_counters (name, value) SELECT 'client', MAX(id) FROM (SELECT id FROM clients UNION ALL SELECT 10553) AS ids;
