-- Notifications to an organisation's staff (CP-IS access notifications, shield
-- overrides, suspensions). Marked read by one user, with when.
CREATE TABLE notifications (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                   TEXT NOT NULL,
    recipient_organisation TEXT NOT NULL,
    child_id               TEXT,
    from_username          TEXT NOT NULL,
    from_organisation      TEXT NOT NULL,
    details                TEXT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL,
    read_by                TEXT,
    read_at                TIMESTAMPTZ
);
CREATE INDEX notifications_recipient ON notifications (recipient_organisation, created_at);
