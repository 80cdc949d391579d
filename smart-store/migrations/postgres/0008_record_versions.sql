-- Each record's generation: raised before and after every write to the record's clinical
-- data, read before every cached answer is served. Servers that share a SPARQL store and
-- this database keep their answer caches correct through it. Rows only grow, and outlive
-- their record, so a recreated record never meets an answer cached for its predecessor.
CREATE TABLE record_versions (
    record_id TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL
);
