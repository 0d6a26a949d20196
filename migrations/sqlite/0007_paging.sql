-- Newest-first lists are paged by a (time, id) position: each page is the rows before the last
-- one shown, ties in time broken by id. Each index below names `id DESC` so that a page walks
-- it in exactly that order, with no sort: the rowid SQLite appends to every index on its own
-- runs ascending, the wrong way for these lists.

-- A learner's history (/attempts).
DROP INDEX attempts_by_learner;
CREATE INDEX attempts_by_learner ON attempts (learner, submitted_at DESC, id DESC);

-- An interviewer's interviews, and everyone's (an admin's /interviews).
DROP INDEX interviews_by_interviewer;
CREATE INDEX interviews_by_interviewer ON interviews (interviewer_id, started_at DESC, id DESC);
DROP INDEX interviews_by_start;
CREATE INDEX interviews_by_start ON interviews (started_at DESC, id DESC);
