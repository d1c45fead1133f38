-- +goose Up
-- The audit chain's head (sequence and hash of its last entry), kept outside
-- the chain: entries cut off the tail leave a chain that still links, but
-- no longer reaches this head. It is also sent with every result and
-- written by `audit export`, so a copy lives off the station.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    SELECT 1, seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1;

-- +goose Down
DROP TABLE audit_head;
