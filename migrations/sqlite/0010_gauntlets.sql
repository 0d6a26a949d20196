-- Gauntlet practice: a learner's run through a gauntlet's rounds, one graded answer per round,
-- answered in order. Starting again opens a new run; earlier runs are kept.
CREATE TABLE gauntlet_runs (
    id INTEGER PRIMARY KEY,
    learner TEXT NOT NULL,
    -- The gauntlet's slug.
    gauntlet TEXT NOT NULL,
    started_at INTEGER NOT NULL
);
-- A learner's latest run of a gauntlet; adopting an anonymous learner's runs on sign-in.
CREATE INDEX gauntlet_runs_latest ON gauntlet_runs (learner, gauntlet, id DESC);

CREATE TABLE gauntlet_answers (
    run INTEGER NOT NULL REFERENCES gauntlet_runs (id),
    -- 1 for the first round of the page, in page order.
    round INTEGER NOT NULL,
    answer TEXT NOT NULL,
    -- The round's rubric version the answer was graded against.
    rubric_version TEXT NOT NULL,
    -- The grade as JSON (items, verdicts, evidence), as attempts keep it.
    verdicts TEXT NOT NULL,
    score REAL NOT NULL,
    covered INTEGER NOT NULL,
    total INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (run, round)
) WITHOUT ROWID;
