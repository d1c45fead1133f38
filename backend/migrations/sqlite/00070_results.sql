-- +goose Up
-- Results received from the booths, one row per encounter (encounter_id is
-- the idempotency key, stored canonical). seq is the arrival order. Column
-- names and time format follow the booth's encounters table (fixed-width
-- UTC text) so that reports read both the same way. No name, template or
-- photo (body keeps a partner deployment's sealed photo as received).
CREATE TABLE results (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    encounter_id         TEXT NOT NULL UNIQUE,
    version              INTEGER NOT NULL,
    station              TEXT NOT NULL,
    officer_id           TEXT NOT NULL DEFAULT '',
    flight               TEXT NOT NULL DEFAULT '',
    result_date          TEXT NOT NULL,
    done_at              TEXT NOT NULL,
    started_at           TEXT NOT NULL,
    captured_at          TEXT,
    decided_at           TEXT,
    manual_check_at      TEXT,
    decision_ms          INTEGER,
    outcome              TEXT NOT NULL,
    result               TEXT NOT NULL DEFAULT '',
    final                TEXT NOT NULL DEFAULT '',
    referral             TEXT NOT NULL DEFAULT '',
    traveler_id          TEXT NOT NULL DEFAULT '',
    category             TEXT NOT NULL DEFAULT '',
    distance             REAL,
    quality              TEXT NOT NULL DEFAULT '',
    threshold            REAL,
    threshold_calibrated INTEGER NOT NULL DEFAULT 0,
    gallery_id           TEXT NOT NULL DEFAULT '',
    gallery_version      TEXT NOT NULL DEFAULT '',
    audit_seq            INTEGER,
    audit_hash           TEXT NOT NULL DEFAULT '',
    received_at          TEXT NOT NULL,
    body                 BLOB NOT NULL
);
CREATE INDEX results_date ON results(result_date, seq);
CREATE INDEX results_started ON results(started_at);
CREATE INDEX results_station ON results(station, seq);

-- +goose Down
DROP TABLE results;
