-- +goose Up
-- photo_state 'lost': the record said the photo was stored but the start-up
-- check found no file (a crash between the row and the file in an older
-- version). SQLite cannot alter a CHECK constraint, so the table is rebuilt
-- with the same columns and indexes.
CREATE TABLE encounters_new (
    id              TEXT PRIMARY KEY,
    station         TEXT NOT NULL,
    officer_id      TEXT REFERENCES officers(id),
    flight          TEXT NOT NULL DEFAULT '',
    started_at      TEXT NOT NULL,
    captured_at     TEXT,
    decided_at      TEXT,
    verified_at     TEXT,
    manual_check_at TEXT,
    done_at         TEXT,
    acknowledged_at TEXT,
    traveler_id     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    result          TEXT NOT NULL DEFAULT '',
    referral        TEXT NOT NULL DEFAULT '',
    distance        REAL,
    quality         TEXT NOT NULL DEFAULT '',
    decision_ms     INTEGER,
    photo_state     TEXT NOT NULL DEFAULT 'none'
                    CHECK (photo_state IN ('none', 'stored', 'purging', 'purged', 'failed', 'lost')),
    purge_deadline  TEXT,
    vault_bucket    TEXT,
    purged_at       TEXT,
    rules_version   TEXT NOT NULL DEFAULT ''
);
INSERT INTO encounters_new (id, station, officer_id, flight, started_at, captured_at, decided_at,
    verified_at, manual_check_at, done_at, acknowledged_at, traveler_id, category, outcome, result,
    referral, distance, quality, decision_ms, photo_state, purge_deadline, vault_bucket, purged_at,
    rules_version)
SELECT id, station, officer_id, flight, started_at, captured_at, decided_at,
    verified_at, manual_check_at, done_at, acknowledged_at, traveler_id, category, outcome, result,
    referral, distance, quality, decision_ms, photo_state, purge_deadline, vault_bucket, purged_at,
    rules_version FROM encounters;
DROP TABLE encounters;
ALTER TABLE encounters_new RENAME TO encounters;
CREATE INDEX encounters_started ON encounters(started_at);
CREATE INDEX encounters_due ON encounters(photo_state, purge_deadline);
CREATE INDEX encounters_bucket ON encounters(vault_bucket, photo_state);

-- +goose Down
UPDATE encounters SET photo_state = 'failed' WHERE photo_state = 'lost';
