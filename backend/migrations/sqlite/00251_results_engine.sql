-- +goose Up
-- Result message v4: the face engine (dlib or sface) that made the
-- distance and whose threshold it was decided against (empty for earlier
-- versions and for results decided without a gallery).
ALTER TABLE results ADD COLUMN engine TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE results DROP COLUMN engine;
