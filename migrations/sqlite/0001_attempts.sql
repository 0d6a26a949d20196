-- Attempts, the rubric version each was graded against, overrides, reveals and settings.
-- Timestamps are unix milliseconds written by the application, never database functions, so
-- the queries in src/store/ stay portable to PostgreSQL.

-- Values the application keeps across restarts, such as the cookie signing key.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- Each rubric a scenario has had, so an old attempt is explained by the rubric it was graded by.
CREATE TABLE rubric_versions (
    id INTEGER PRIMARY KEY,
    scenario TEXT NOT NULL,
    version TEXT NOT NULL,
    rubric TEXT NOT NULL, -- JSON
    created_at INTEGER NOT NULL,
    UNIQUE (scenario, version)
);

-- One submitted answer and its machine verdicts; overrides never rewrite `verdicts`.
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE, -- random 128-bit hex, used in URLs
    learner TEXT NOT NULL,
    scenario TEXT NOT NULL,
    rubric_version TEXT NOT NULL,
    answer TEXT NOT NULL,
    verdicts TEXT NOT NULL, -- JSON
    score REAL NOT NULL,
    covered INTEGER NOT NULL,
    total INTEGER NOT NULL,
    revealed_before INTEGER NOT NULL,
    started_at INTEGER,
    submitted_at INTEGER NOT NULL,
    FOREIGN KEY (scenario, rubric_version) REFERENCES rubric_versions (scenario, version)
);

CREATE INDEX attempts_by_learner ON attempts (learner, submitted_at DESC);
CREATE INDEX attempts_by_scenario ON attempts (scenario);

-- A learner's verdict on one rubric item of their attempt, replacing the machine's in the view.
CREATE TABLE overrides (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('covered', 'partial', 'missed', 'review')),
    by_whom TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, item_id)
);

-- The first time a learner chose to see a scenario's expected answers.
CREATE TABLE reveals (
    learner TEXT NOT NULL,
    scenario TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (learner, scenario)
);
