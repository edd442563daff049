-- Notifications to an organisation's staff (CP-IS access notifications, shield
-- overrides, suspensions). Marked read by one user, with when.
CREATE TABLE notifications (
    id                     INTEGER PRIMARY KEY,
    kind                   TEXT NOT NULL,
    recipient_organisation TEXT NOT NULL,
    child_id               TEXT,
    from_username          TEXT NOT NULL,
    from_organisation      TEXT NOT NULL,
    details                TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    read_by                TEXT,
    read_at                TEXT
);
CREATE INDEX notifications_recipient ON notifications (recipient_organisation, created_at);
