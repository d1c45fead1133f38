-- +goose Up
-- The face engine (dlib or sface) that made an encounter's distance and
-- whose threshold it was decided against: the two engines' distances are on
-- different scales. Empty on earlier records (they were all dlib) and on
-- encounters decided without a gallery.
ALTER TABLE encounters ADD COLUMN engine TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE encounters DROP COLUMN engine;
