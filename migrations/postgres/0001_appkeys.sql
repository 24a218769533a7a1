-- appKeys and the services each may call.
--
-- The PostgreSQL twin of migrations/sqlite/: the same tables and columns,
-- with BYTEA for BLOB and BIGINT for INTEGER. Keep the two in step.

-- One row per appKey. The secretKey itself is never stored: only an
-- HMAC-SHA256 of it, keyed by a random per-key salt (see docrec-store's
-- `secret` module).
CREATE TABLE IF NOT EXISTS app_keys (
    app_key     TEXT    NOT NULL PRIMARY KEY,
    secret_salt BYTEA    NOT NULL,
    secret_hash BYTEA    NOT NULL,
    created_at  BIGINT NOT NULL -- Unix time, seconds
);

-- Which services ('business', 'credit-card', 'id-card') an appKey may call.
CREATE TABLE IF NOT EXISTS app_key_services (
    app_key TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    service TEXT    NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 0, -- 0 or 1
    PRIMARY KEY (app_key, service)
);
