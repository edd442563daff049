-- Record maintenance: identity history, merge redirects, deaths, and the
-- child-protection duty that carries the shield-override right (also set by
-- account administration).
ALTER TABLE users ADD COLUMN child_protection BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE children ADD COLUMN date_of_death DATE;

-- Each identity edit keeps the version it replaced, with who, when and why.
-- `why` is a reason code, not free text about the child.
CREATE TABLE identity_history (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id   TEXT COLLATE "C" NOT NULL,
    previous   TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    why        TEXT NOT NULL
);
CREATE INDEX identity_history_child ON identity_history (child_id, id);

-- A merged-away directory ID and the record that survived it.
CREATE TABLE child_redirects (
    merged_id   TEXT COLLATE "C" PRIMARY KEY,
    survivor_id TEXT COLLATE "C" NOT NULL,
    merged_at   TIMESTAMPTZ NOT NULL
);
