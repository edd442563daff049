-- Account administration, two-factor enrolment and signed audit checkpoints.
ALTER TABLE users ADD COLUMN phone TEXT;
-- A one-time enrolment code (stored as its SHA-256) and the secret offered with it,
-- sealed; the secret becomes `totp_secret` only once the user has typed a valid code.
ALTER TABLE users ADD COLUMN enrolment_code_hash TEXT;
ALTER TABLE users ADD COLUMN enrolment_expires TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN pending_totp_secret TEXT;

CREATE TABLE audit_checkpoints (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    count      BIGINT NOT NULL,
    head_hash  TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL
);

-- Audit review filters by user and by time.
CREATE INDEX audit_events_user ON audit_events (username, at);
CREATE INDEX audit_events_at ON audit_events (at);
