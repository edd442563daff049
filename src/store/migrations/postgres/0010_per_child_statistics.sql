-- Each child has a handful of involvements and carers, stored side by side. ANALYZE
-- samples whole blocks, sees each child several times and, at 12 million children,
-- guessed 40 involvements per child: the search glance for 20 children then hashed
-- all 60,000 schools and GP practices (40 ms) instead of looking up the few it
-- needs (2 ms). State the ratio instead of letting the sample guess it.
ALTER TABLE involvements ALTER COLUMN child_id SET (n_distinct = -0.4);
ALTER TABLE carers ALTER COLUMN child_id SET (n_distinct = -0.4);
ANALYZE involvements;
ANALYZE carers;
