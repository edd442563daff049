-- The directory: organisations, children, carers, involvements, and the search index.
-- Identifiers and names that are sorted use the "C" collation so that ORDER BY
-- gives the same byte order as SQLite whatever locale the cluster was created with.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    code            TEXT COLLATE "C" PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    phone           TEXT,
    email           TEXT,
    address         TEXT,
    local_authority TEXT NOT NULL
);

-- No free-text column: the directory must not be able to hold case notes.
-- `seq` stands in for SQLite's rowid: insertion order, for sampling.
CREATE TABLE children (
    id                TEXT COLLATE "C" PRIMARY KEY,
    seq               BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    nhs_number        TEXT UNIQUE,
    family_name       TEXT NOT NULL,
    given_names       TEXT NOT NULL,
    former_names      TEXT NOT NULL DEFAULT '[]',
    date_of_birth     DATE NOT NULL,
    gender            TEXT NOT NULL,
    address           TEXT NOT NULL,
    postcode          TEXT,
    postcode_district TEXT,
    local_authority   TEXT NOT NULL,
    shielded          BOOLEAN NOT NULL DEFAULT FALSE,
    version           BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX children_dob ON children (date_of_birth);
CREATE INDEX children_postcode ON children (postcode);

-- Distinct normalised surname forms, and the keys (deletion neighbourhood,
-- phonetic codes) that find them from a misspelt query.
CREATE TABLE surnames (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE TABLE surname_keys (
    key        TEXT COLLATE "C" NOT NULL,
    surname_id BIGINT NOT NULL,
    PRIMARY KEY (key, surname_id)
);

-- Each child under every surname form it is known by (whole, hyphen parts, former).
CREATE TABLE child_surnames (
    surname_id        BIGINT NOT NULL,
    date_of_birth     DATE NOT NULL,
    child_id          TEXT COLLATE "C" NOT NULL,
    postcode_district TEXT,
    PRIMARY KEY (surname_id, date_of_birth, child_id)
);
CREATE INDEX child_surnames_district ON child_surnames (surname_id, postcode_district);

CREATE TABLE carers (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id                TEXT COLLATE "C" NOT NULL REFERENCES children (id),
    name                    TEXT NOT NULL,
    relationship            TEXT NOT NULL,
    parental_responsibility BOOLEAN NOT NULL,
    phone                   TEXT,
    email                   TEXT
);
CREATE INDEX carers_child ON carers (child_id);

CREATE TABLE involvements (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id             TEXT COLLATE "C" NOT NULL REFERENCES children (id),
    organisation         TEXT COLLATE "C" NOT NULL REFERENCES organisations (code),
    practitioner_name    TEXT,
    practitioner_phone   TEXT,
    practitioner_email   TEXT,
    start_date           DATE NOT NULL,
    end_date             DATE,
    consent              TEXT,
    has_information      BOOLEAN NOT NULL DEFAULT FALSE,
    taking_action        BOOLEAN NOT NULL DEFAULT FALSE,
    caf_completed        BOOLEAN NOT NULL DEFAULT FALSE,
    lead_professional    BOOLEAN NOT NULL DEFAULT FALSE,
    marks                TEXT NOT NULL DEFAULT '{}',
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX involvements_child ON involvements (child_id);
