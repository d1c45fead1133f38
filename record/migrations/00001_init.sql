-- +goose Up
-- Stations this database has served, and when each first started.
CREATE TABLE station (
    id         TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL
);

-- +goose Down
DROP TABLE station;
