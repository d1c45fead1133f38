-- +goose Up
-- Why the head of the outbox is not being accepted when the cause is the
-- booth's clock or its configuration ('clock', 'config'): the message is
-- resent, never dead-lettered, and the status bar raises an alarm naming
-- the cause. NULL for a plain temporary failure, or once delivered.
ALTER TABLE outbox ADD COLUMN last_cause TEXT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN last_cause;
