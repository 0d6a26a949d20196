-- A learner's best score per scenario (progress by topic, the catalogue's practice panel) read
-- from the index alone, without looking up each attempt's row.
DROP INDEX attempts_by_learner_scenario;
CREATE INDEX attempts_by_learner_scenario ON attempts (learner, scenario, score);
