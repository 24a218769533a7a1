-- Projects, their members, and the users' access keys and tokens
-- (API.md §2 and §5).
--
-- A project owns appKeys and has members: users with a role. A user signs
-- the v1.1/v2.1 APIs with an access token, made from one of the user's
-- access keys; the token opens an appKey's APIs when the user is a member
-- of the appKey's project. Secrets are stored as HMAC-SHA256 under a
-- per-key salt, tokens as SHA-256: neither is kept in plaintext.

CREATE TABLE projects (
    project_id TEXT    NOT NULL PRIMARY KEY, -- UUID
    name       TEXT    NOT NULL,
    created_at BIGINT NOT NULL              -- Unix time, seconds
);

CREATE TABLE users (
    user_id    TEXT    NOT NULL PRIMARY KEY, -- UUID
    name       TEXT    NOT NULL,
    created_at BIGINT NOT NULL
);

-- role: owner, admin, member or viewer.
CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_by_user ON project_members (user_id);

-- The project every appKey made before projects existed belongs to, and the
-- bootstrap and demo appKeys still do.
INSERT INTO projects (project_id, name, created_at)
VALUES ('00000000-0000-0000-0000-000000000000', 'default', 0);

-- Deleting a project deletes its appKeys, and with them (their foreign keys
-- cascade) their services, envelope keys and Request-Keys.
ALTER TABLE app_keys ADD COLUMN project_id TEXT REFERENCES projects (project_id) ON DELETE CASCADE;
UPDATE app_keys SET project_id = '00000000-0000-0000-0000-000000000000';
CREATE INDEX app_keys_by_project ON app_keys (project_id);

CREATE TABLE user_access_keys (
    access_key_id TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    secret_salt   BYTEA    NOT NULL,
    secret_hash   BYTEA    NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX user_access_keys_by_user ON user_access_keys (user_id);

-- Tokens die with the access key that made them.
CREATE TABLE access_tokens (
    token_hash    BYTEA    NOT NULL PRIMARY KEY,
    access_key_id TEXT    NOT NULL REFERENCES user_access_keys (access_key_id) ON DELETE CASCADE,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
