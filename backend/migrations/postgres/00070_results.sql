-- +goose Up
-- Results received from the booths, one row per encounter (encounter_id is
-- the idempotency key, stored canonical). seq is the arrival order. Column
-- names follow the booth's encounters table so that reports read both the
-- same way. No name, template or photo (body keeps a partner deployment's
-- sealed photo as received).
CREATE TABLE results (
    seq                  BIGSERIAL PRIMARY KEY,
    encounter_id         UUID NOT NULL UNIQUE,
    version              SMALLINT NOT NULL,
    station              TEXT NOT NULL,
    officer_id           TEXT NOT NULL DEFAULT '',
    flight               TEXT NOT NULL DEFAULT '',
    result_date          DATE NOT NULL,
    done_at              TIMESTAMPTZ NOT NULL,
    started_at           TIMESTAMPTZ NOT NULL,
    captured_at          TIMESTAMPTZ,
    decided_at           TIMESTAMPTZ,
    manual_check_at      TIMESTAMPTZ,
    decision_ms          BIGINT,
    outcome              TEXT NOT NULL,
    result               TEXT NOT NULL DEFAULT '',
    final                TEXT NOT NULL DEFAULT '',
    referral             TEXT NOT NULL DEFAULT '',
    traveler_id          TEXT NOT NULL DEFAULT '',
    category             TEXT NOT NULL DEFAULT '',
    distance             DOUBLE PRECISION,
    quality              TEXT NOT NULL DEFAULT '',
    threshold            DOUBLE PRECISION,
    threshold_calibrated BOOLEAN NOT NULL DEFAULT FALSE,
    gallery_id           TEXT NOT NULL DEFAULT '',
    gallery_version      TEXT NOT NULL DEFAULT '',
    audit_seq            BIGINT,
    audit_hash           TEXT NOT NULL DEFAULT '',
    received_at          TIMESTAMPTZ NOT NULL,
    body                 BYTEA NOT NULL
);
CREATE INDEX results_date ON results(result_date, seq);
CREATE INDEX results_started ON results(started_at);
CREATE INDEX results_station ON results(station, seq);

-- +goose Down
DROP TABLE results;
