-- The first given name's phonetic key beside each surname row, so that a forename
-- with an age range narrows by both names before the date range. The program
-- fills it in for existing rows (Double Metaphone is computed in Rust).
ALTER TABLE child_surnames ADD COLUMN given_key TEXT;
CREATE INDEX child_surnames_given ON child_surnames (surname_id, given_key, date_of_birth);
