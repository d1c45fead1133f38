-- +goose Up
-- A result the back end refused for good (a 4xx other than 408 and 429) is
-- dead-lettered: kept with its reason (last_error) for a supervisor, never
-- resent, and no longer blocking the results behind it.
ALTER TABLE outbox ADD COLUMN dead_at TEXT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN dead_at;
