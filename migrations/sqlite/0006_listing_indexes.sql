-- Everyone's interviews, newest first (an admin's /interviews), without sorting the table.
CREATE INDEX interviews_by_start ON interviews (started_at DESC);

-- `rescore` looks for a scenario's attempts graded against another rubric version.
CREATE INDEX attempts_by_scenario_version ON attempts (scenario, rubric_version);

-- The one-column index is a prefix of the one above: the composite serves both.
DROP INDEX attempts_by_scenario;
