-- Hints on the simulated investigation: each one a learner takes (a step's title, then its
-- command), what it cost in points at the time, and the attempt it became part of (NULL while
-- the learner is still investigating).
CREATE TABLE investigation_hints (
    id INTEGER PRIMARY KEY,
    learner TEXT NOT NULL,
    scenario TEXT NOT NULL,
    attempt INTEGER REFERENCES attempts (id),
    -- The step of the path the hint is about (0 for the first).
    step INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('title', 'command')),
    -- Off the attempt's score, as a share of it (0.05 for 5 points).
    cost REAL NOT NULL,
    at INTEGER NOT NULL
);
-- The learner's current hints on a scenario, in order; claiming them for an attempt.
CREATE INDEX hints_current ON investigation_hints (learner, scenario, attempt, id);
-- An attempt's hints, in order.
CREATE INDEX hints_of_attempt ON investigation_hints (attempt, id);

-- What the attempt's hints took off its score (a share, 0 to 1): the shown score is the
-- checklist's, overrides applied, less this, and never below zero.
ALTER TABLE attempts ADD COLUMN hint_penalty REAL NOT NULL DEFAULT 0;
