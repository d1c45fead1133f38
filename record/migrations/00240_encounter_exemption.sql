-- +goose Up
-- Why an exempt traveler was exempt (the exemption's code in the rule set:
-- age-under, canadian-b-visitor, diplomatic-visa...) and the id of the rule
-- set the category was decided under. Empty on earlier records.
ALTER TABLE encounters ADD COLUMN exemption_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE encounters ADD COLUMN rule_set TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE encounters DROP COLUMN rule_set;
ALTER TABLE encounters DROP COLUMN exemption_reason;
