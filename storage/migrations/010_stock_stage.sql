-- A stock message announces no deadline stage: NULL, rather than a large number standing for
-- "none" that every stage query had to stay clear of.
UPDATE messages SET stage = NULL WHERE kind = 'stock';
