-- appKeys and the services each may call.
--
-- Plain, portable SQL: the PostgreSQL migrations (migrations/postgres/) keep
-- the same tables and columns, with BYTEA for BLOB and BIGINT for INTEGER.

-- One row per appKey. The secretKey itself is never stored: only an
-- HMAC-SHA256 of it, keyed by a random per-key salt (see docrec-store's
-- `secret` module).
CREATE TABLE IF NOT EXISTS app_keys (
    app_key     TEXT    NOT NULL PRIMARY KEY,
    secret_salt BLOB    NOT NULL,
    secret_hash BLOB    NOT NULL,
    created_at  INTEGER NOT NULL -- Unix time, seconds
);

-- Which services ('business', 'credit-card', 'id-card') an appKey may call.
CREATE TABLE IF NOT EXISTS app_key_services (
    app_key TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    service TEXT    NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0, -- 0 or 1
    PRIMARY KEY (app_key, service)
);
