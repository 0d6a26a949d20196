-- An attempt's `score` and `covered` are what every page shows: the machine's verdicts with the
-- learner's overrides applied, kept current when an override is recorded or the attempt is
-- rescored. The grader's own score is kept beside it in `machine_score`.
ALTER TABLE attempts ADD COLUMN machine_score REAL NOT NULL DEFAULT 0;
UPDATE attempts SET machine_score = score;

-- A scenario page asks whether this learner has answered this scenario.
CREATE INDEX attempts_by_learner_scenario ON attempts (learner, scenario);
