-- Accounts, sessions and the append-only, hash-chained audit trail.
CREATE TABLE users (
    username        TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    organisation    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT NOT NULL,
    last_totp_step  BIGINT NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE
);

-- Only demo databases hold rows here: the login screen shows them to newcomers.
-- `seq` keeps them in the order added, as SQLite's rowid does.
CREATE TABLE demo_logins (
    username    TEXT PRIMARY KEY REFERENCES users (username),
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    password    TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (username);

-- `seq` is assigned by the appender under a lock (max + 1), not by a sequence,
-- so the chain has no gaps from rolled-back transactions.
CREATE TABLE audit_events (
    seq          BIGINT PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    username     TEXT NOT NULL,
    role         TEXT,
    organisation TEXT,
    action       TEXT NOT NULL,
    subjects     TEXT NOT NULL,
    reason       TEXT,
    outcome      TEXT NOT NULL,
    client_addr  TEXT,
    request_id   TEXT,
    details      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
