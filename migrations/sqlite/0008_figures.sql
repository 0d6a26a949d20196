-- Statistics kept as running figures, so that /stats and /stats/<slug> read a few rows whatever
-- the number of attempts. Every write that changes an attempt's score, verdicts or overrides
-- (a submission, an override, a rescore) takes the attempt's old contribution off these tables
-- and adds its new one in the same transaction, so they always equal a full recount
-- (`Store::recount_figures`, checked by tests).

-- Per scenario and score decile (0 = 0-9 %, ..., 9 = 90-100 %): how many attempts, and the sum
-- of their shown scores (the machine's verdicts with the learners' corrections).
CREATE TABLE scenario_figures (
    scenario TEXT NOT NULL,
    decile INTEGER NOT NULL CHECK (decile BETWEEN 0 AND 9),
    attempts INTEGER NOT NULL,
    score_sum REAL NOT NULL,
    PRIMARY KEY (scenario, decile)
) WITHOUT ROWID;

-- Per scenario and rubric item id: the machine's verdicts on it across attempts graded on it,
-- and the learners' overrides of it by the verdict they chose.
CREATE TABLE item_figures (
    scenario TEXT NOT NULL,
    item_id TEXT NOT NULL,
    covered INTEGER NOT NULL,
    partial INTEGER NOT NULL,
    missed INTEGER NOT NULL,
    review INTEGER NOT NULL,
    overridden_covered INTEGER NOT NULL,
    overridden_partial INTEGER NOT NULL,
    overridden_missed INTEGER NOT NULL,
    overridden_review INTEGER NOT NULL,
    PRIMARY KEY (scenario, item_id)
) WITHOUT ROWID;

-- The figures of the attempts stored before this migration.
INSERT INTO scenario_figures (scenario, decile, attempts, score_sum)
SELECT scenario, MIN(CAST(score * 10 AS INTEGER), 9), COUNT(*), SUM(score)
FROM attempts GROUP BY 1, 2;

INSERT INTO item_figures
SELECT a.scenario, json_extract(j.value, '$.id'),
       SUM(json_extract(j.value, '$.verdict') = 'covered'),
       SUM(json_extract(j.value, '$.verdict') = 'partial'),
       SUM(json_extract(j.value, '$.verdict') = 'missed'),
       SUM(json_extract(j.value, '$.verdict') = 'review'),
       SUM(COALESCE(o.verdict = 'covered', 0)),
       SUM(COALESCE(o.verdict = 'partial', 0)),
       SUM(COALESCE(o.verdict = 'missed', 0)),
       SUM(COALESCE(o.verdict = 'review', 0))
FROM attempts a
JOIN json_each(a.verdicts, '$.items') j
LEFT JOIN overrides o ON o.attempt_id = a.id AND o.item_id = json_extract(j.value, '$.id')
WHERE json_valid(a.verdicts)
GROUP BY 1, 2;

-- A scenario's newest answers (the statistics page shows ten) without reading the others.
CREATE INDEX attempts_by_scenario_newest ON attempts (scenario, id DESC);
