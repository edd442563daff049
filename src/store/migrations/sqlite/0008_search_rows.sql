-- What a search ranks on, beside each surname row: candidates found by name are
-- read from this table alone (one range of it per surname and date of birth)
-- instead of one lookup into children each. Rows are written from the child's
-- row whenever the child is indexed or re-indexed, so the copies follow every change.
ALTER TABLE child_surnames ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE child_surnames ADD COLUMN given_names TEXT NOT NULL DEFAULT '';
ALTER TABLE child_surnames ADD COLUMN former_names TEXT NOT NULL DEFAULT '[]';
ALTER TABLE child_surnames ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE child_surnames ADD COLUMN postcode TEXT;
ALTER TABLE child_surnames ADD COLUMN shielded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE child_surnames ADD COLUMN local_authority TEXT NOT NULL DEFAULT '';
UPDATE child_surnames
SET family_name = c.family_name, given_names = c.given_names, former_names = c.former_names,
    gender = c.gender, postcode = c.postcode, shielded = c.shielded,
    local_authority = c.local_authority
FROM children c WHERE c.id = child_surnames.child_id;
