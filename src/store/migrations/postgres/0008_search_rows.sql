-- What a search ranks on, beside each surname row: candidates found by name are
-- read from this table alone instead of one lookup into children each. Rows are
-- written from the child's row whenever the child is indexed or re-indexed, so the
-- copies follow every change. The table is rebuilt in key order, so one surname
-- and date of birth sit on a page or two (bulk loads re-cluster it afterwards).
ALTER TABLE child_surnames RENAME TO child_surnames_before;
ALTER INDEX child_surnames_pkey RENAME TO child_surnames_before_pkey;
DROP INDEX child_surnames_district;
DROP INDEX child_surnames_given;
CREATE TABLE child_surnames (
    surname_id        BIGINT NOT NULL,
    date_of_birth     DATE NOT NULL,
    child_id          TEXT COLLATE "C" NOT NULL,
    postcode_district TEXT,
    given_key         TEXT,
    family_name       TEXT NOT NULL,
    given_names       TEXT NOT NULL,
    former_names      TEXT NOT NULL,
    gender            TEXT NOT NULL,
    postcode          TEXT,
    shielded          BOOLEAN NOT NULL,
    local_authority   TEXT NOT NULL,
    PRIMARY KEY (surname_id, date_of_birth, child_id)
);
INSERT INTO child_surnames
SELECT s.surname_id, s.date_of_birth, s.child_id, s.postcode_district, s.given_key,
       c.family_name, c.given_names, c.former_names, c.gender, c.postcode, c.shielded,
       c.local_authority
FROM child_surnames_before s JOIN children c ON c.id = s.child_id
ORDER BY s.surname_id, s.date_of_birth, s.child_id;
DROP TABLE child_surnames_before;
CREATE INDEX child_surnames_district ON child_surnames (surname_id, postcode_district);
CREATE INDEX child_surnames_given ON child_surnames (surname_id, given_key, date_of_birth);
