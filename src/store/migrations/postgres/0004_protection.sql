-- CP-IS: plans uploaded by local authorities, keyed on the subject's NHS number.
-- A plan is identified by (authority, NHS number, type, start date); the feed
-- updates it in place and ends it, never deletes it.
CREATE TABLE protection_plans (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    local_authority    TEXT NOT NULL,
    nhs_number         TEXT NOT NULL,
    plan_type          TEXT NOT NULL,
    start_date         DATE NOT NULL,
    family_name        TEXT NOT NULL,
    family_key         TEXT NOT NULL,
    given_names        TEXT NOT NULL,
    date_of_birth      DATE NOT NULL,
    legal_status       TEXT,
    end_date           DATE,
    due_date           DATE,
    office_hours_phone TEXT NOT NULL,
    out_of_hours_phone TEXT NOT NULL,
    UNIQUE (local_authority, nhs_number, plan_type, start_date)
);
CREATE INDEX protection_plans_nhs ON protection_plans (nhs_number);
CREATE INDEX protection_plans_subject ON protection_plans (family_key, date_of_birth);

-- Who saw a subject's flag: attendances (which notify the authority), silent
-- views and record views. Names are copied so the list survives account changes.
CREATE TABLE flag_accesses (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nhs_number        TEXT NOT NULL,
    kind              TEXT NOT NULL,
    setting           TEXT,
    at                TIMESTAMPTZ NOT NULL,
    username          TEXT NOT NULL,
    user_name         TEXT NOT NULL,
    organisation      TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    phone             TEXT
);
CREATE INDEX flag_accesses_subject ON flag_accesses (nhs_number, kind, at);
