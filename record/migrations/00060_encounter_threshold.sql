-- +goose Up
-- The decision threshold of the flight's gallery at each encounter, whether
-- it was calibrated for that gallery, and whether the fairness warning was
-- raised (the calibrated threshold far below the configured one).
ALTER TABLE encounters ADD COLUMN threshold REAL;
ALTER TABLE encounters ADD COLUMN threshold_calibrated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE encounters ADD COLUMN poor_separation INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE encounters DROP COLUMN poor_separation;
ALTER TABLE encounters DROP COLUMN threshold_calibrated;
ALTER TABLE encounters DROP COLUMN threshold;
