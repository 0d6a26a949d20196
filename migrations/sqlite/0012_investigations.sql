-- The simulated investigation: each command a learner types on a scenario's console, what it
-- matched, and the attempt it became part of (NULL while the learner is still investigating).
CREATE TABLE investigation_commands (
    id INTEGER PRIMARY KEY,
    learner TEXT NOT NULL,
    scenario TEXT NOT NULL,
    attempt INTEGER REFERENCES attempts (id),
    command TEXT NOT NULL,
    -- The step of the path it matched (0 for the first), or NULL.
    step INTEGER,
    -- Why it would do harm in production, or NULL.
    harm TEXT,
    at INTEGER NOT NULL
);
-- The learner's current investigation of a scenario, in order; claiming it for an attempt.
CREATE INDEX investigation_current ON investigation_commands (learner, scenario, attempt, id);
-- An attempt's investigation, in order.
CREATE INDEX investigation_of_attempt ON investigation_commands (attempt, id);
