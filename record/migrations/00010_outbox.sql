-- +goose Up
-- Results waiting for (or done with) transmittal to the back end, in the
-- order they were written. encounter_id is the idempotency key.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    encounter_id    TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    payload         BLOB NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT,
    last_attempt_at TEXT,
    delivered_at    TEXT,
    ack             TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, seq);

-- +goose Down
DROP TABLE outbox;
