-- Phonetic keys grow from four letters to eight (`model::names`). The old surname
-- keys go here; the program then computes the new ones for every surname, and
-- every child's forename key afresh, since Double Metaphone runs in Rust.
DELETE FROM surname_keys WHERE key LIKE 'p:%';
