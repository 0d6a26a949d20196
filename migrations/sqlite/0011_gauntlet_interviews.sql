-- Live interviews of a gauntlet: an interview runs either a scenario or a gauntlet, and says
-- which. `scenario` holds the slug of either (gauntlets have slugs of their own, so a gauntlet
-- may share a slug with a scenario); `kind` tells them apart. A gauntlet interview's rubric
-- version is that of all its rounds' items together, each id prefixed with its round.
ALTER TABLE interviews ADD COLUMN kind TEXT NOT NULL DEFAULT 'scenario'
    CHECK (kind IN ('scenario', 'gauntlet'));
