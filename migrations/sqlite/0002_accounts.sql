-- Accounts and their signed-in sessions. A signed-in learner's attempts and reveals are kept
-- under the learner key `user:<id>`; an anonymous learner's under their random id.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL, -- Argon2id, PHC string format
    role TEXT NOT NULL CHECK (role IN ('learner', 'interviewer', 'author', 'admin')),
    created_at INTEGER NOT NULL,
    last_sign_in_at INTEGER
);

-- A signed-in browser. Its cookie holds a random 256-bit token; only the token's SHA-256 is
-- stored, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL, -- the token this session's forms carry
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
