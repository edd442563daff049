-- Record maintenance: identity history, merge redirects, deaths, and the
-- child-protection duty that carries the shield-override right (also set by
-- account administration).
ALTER TABLE users ADD COLUMN child_protection INTEGER NOT NULL DEFAULT 0;

ALTER TABLE children ADD COLUMN date_of_death TEXT;

-- Each identity edit keeps the version it replaced, with who, when and why.
-- `why` is a reason code, not free text about the child.
CREATE TABLE identity_history (
    id         INTEGER PRIMARY KEY,
    child_id   TEXT NOT NULL,
    previous   TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    why        TEXT NOT NULL
);
CREATE INDEX identity_history_child ON identity_history (child_id, id);

-- A merged-away directory ID and the record that survived it.
CREATE TABLE child_redirects (
    merged_id   TEXT PRIMARY KEY,
    survivor_id TEXT NOT NULL,
    merged_at   TEXT NOT NULL
);
