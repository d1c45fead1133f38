-- +goose Up
-- The probe photo sent with a result in a partner deployment, sealed to the
-- back end's key; cleared once the back end acknowledges the result.
ALTER TABLE outbox ADD COLUMN photo BLOB;

-- +goose Down
ALTER TABLE outbox DROP COLUMN photo;
