-- Live mock incidents: an interviewer runs a scenario with a candidate. Everything that happens
-- is an event with a sequence number per interview, so a client that reconnects asks for the
-- events after the last one it saw.

CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE, -- random 128-bit hex, in the interviewer's URLs
    candidate_token_hash BLOB NOT NULL UNIQUE, -- SHA-256 of the candidate link's 256-bit token
    interviewer_id INTEGER NOT NULL REFERENCES users (id),
    candidate TEXT NOT NULL,
    scenario TEXT NOT NULL,
    rubric_version TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    candidate_notes TEXT NOT NULL DEFAULT '',
    candidate_notes_at INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (scenario, rubric_version) REFERENCES rubric_versions (scenario, version)
);

CREATE INDEX interviews_by_interviewer ON interviews (interviewer_id, started_at DESC);

CREATE TABLE interview_events (
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL, -- started, revealed, ticked, noted, ended
    data TEXT NOT NULL, -- JSON
    PRIMARY KEY (interview_id, seq)
);
