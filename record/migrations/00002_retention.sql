-- +goose Up
-- Officers who log in at this station. Credentials are stored hashed
-- (PIN: argon2id; TOTP secret) by the officer workflow.
CREATE TABLE officers (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'supervisor')),
    pin_hash      TEXT NOT NULL DEFAULT '',
    totp_secret   TEXT NOT NULL DEFAULT '',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    last_totp_counter INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

-- One traveler at the booth. Times are UTC, fixed-width
-- "2006-01-02T15:04:05.000000000Z" so that text order is time order.
-- photo_state: none (no photo), stored (in the vault), purging (purge
-- started), purged (deleted and logged), failed (could not be stored).
CREATE TABLE encounters (
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
                    CHECK (photo_state IN ('none', 'stored', 'purging', 'purged', 'failed')),
    purge_deadline  TEXT,
    vault_bucket    TEXT,
    purged_at       TEXT,
    rules_version   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX encounters_started ON encounters(started_at);
CREATE INDEX encounters_due ON encounters(photo_state, purge_deadline);
CREATE INDEX encounters_bucket ON encounters(vault_bucket, photo_state);

-- Data keys of the photo vault, one per retention bucket, wrapped by the
-- master key. Deleting a row (with secure_delete on and a WAL checkpoint)
-- is the crypto-erase of every photo encrypted under it.
CREATE TABLE vault_keys (
    key_id     TEXT PRIMARY KEY,
    bucket     TEXT NOT NULL UNIQUE,
    wrapped    BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- One row per deletion: photos (kind 'photo') and anything else with a
-- retention deadline (galleries...). Never holds a photo or a template.
CREATE TABLE purge_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    captured_at TEXT,
    verified_at TEXT,
    deadline    TEXT,
    purged_at   TEXT NOT NULL,
    method      TEXT NOT NULL,
    result      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX purge_log_photo ON purge_log(subject_id) WHERE kind = 'photo';
CREATE INDEX purge_log_purged ON purge_log(purged_at);

-- Hash-chained record of security-relevant events. hash = SHA-256 over
-- prev_hash and the entry's fields (see record/audit.go).
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    subject   TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- Small persistent facts of the retention job (e.g. the latest clock
-- reading seen, so a clock set backwards never makes a due photo un-due).
CREATE TABLE retention_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE retention_state;
DROP TABLE audit_log;
DROP TABLE purge_log;
DROP TABLE vault_keys;
DROP TABLE encounters;
DROP TABLE officers;
