-- The directory: organisations, children, carers, involvements, and the search index.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    phone           TEXT,
    email           TEXT,
    address         TEXT,
    local_authority TEXT NOT NULL
);

-- No free-text column: the directory must not be able to hold case notes.
CREATE TABLE children (
    id                TEXT PRIMARY KEY,
    nhs_number        TEXT UNIQUE,
    family_name       TEXT NOT NULL,
    given_names       TEXT NOT NULL,
    former_names      TEXT NOT NULL DEFAULT '[]',
    date_of_birth     TEXT NOT NULL,
    gender            TEXT NOT NULL,
    address           TEXT NOT NULL,
    postcode          TEXT,
    postcode_district TEXT,
    local_authority   TEXT NOT NULL,
    shielded          INTEGER NOT NULL DEFAULT 0,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX children_dob ON children (date_of_birth);
CREATE INDEX children_postcode ON children (postcode);

-- Distinct normalised surname forms, and the keys (deletion neighbourhood,
-- phonetic codes) that find them from a misspelt query.
CREATE TABLE surnames (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE surname_keys (
    key        TEXT NOT NULL,
    surname_id INTEGER NOT NULL,
    PRIMARY KEY (key, surname_id)
) WITHOUT ROWID;

-- Each child under every surname form it is known by (whole, hyphen parts, former).
CREATE TABLE child_surnames (
    surname_id        INTEGER NOT NULL,
    date_of_birth     TEXT NOT NULL,
    child_id          TEXT NOT NULL,
    postcode_district TEXT,
    PRIMARY KEY (surname_id, date_of_birth, child_id)
) WITHOUT ROWID;
CREATE INDEX child_surnames_district ON child_surnames (surname_id, postcode_district);

CREATE TABLE carers (
    id                      INTEGER PRIMARY KEY,
    child_id                TEXT NOT NULL REFERENCES children (id),
    name                    TEXT NOT NULL,
    relationship            TEXT NOT NULL,
    parental_responsibility INTEGER NOT NULL,
    phone                   TEXT,
    email                   TEXT
);
CREATE INDEX carers_child ON carers (child_id);

CREATE TABLE involvements (
    id                   INTEGER PRIMARY KEY,
    child_id             TEXT NOT NULL REFERENCES children (id),
    organisation         TEXT NOT NULL REFERENCES organisations (code),
    practitioner_name    TEXT,
    practitioner_phone   TEXT,
    practitioner_email   TEXT,
    start_date           TEXT NOT NULL,
    end_date             TEXT,
    consent              TEXT,
    has_information      INTEGER NOT NULL DEFAULT 0,
    taking_action        INTEGER NOT NULL DEFAULT 0,
    caf_completed        INTEGER NOT NULL DEFAULT 0,
    lead_professional    INTEGER NOT NULL DEFAULT 0,
    marks                TEXT NOT NULL DEFAULT '{}',
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX involvements_child ON involvements (child_id);
