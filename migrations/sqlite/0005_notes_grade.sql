-- The grader's verdicts on a candidate's notes (a grade as JSON) and the rubric version they
-- were computed against: computed when the notes are saved, and once more when the scenario's
-- rubric has changed since, so that the console, its stream, the scorecard and the list of
-- interviews read them instead of grading the notes on every view. NULL until first computed.
ALTER TABLE interviews ADD COLUMN candidate_notes_grade TEXT;
ALTER TABLE interviews ADD COLUMN candidate_notes_grade_version TEXT;
