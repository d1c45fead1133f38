-- +goose Up
-- Result message v3: why an exempt traveler was exempt and the rule set
-- the category was decided under (empty for v1 and v2 results).
ALTER TABLE results ADD COLUMN exemption_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN rule_set TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE results DROP COLUMN rule_set;
ALTER TABLE results DROP COLUMN exemption_reason;
