-- What the ID-card endpoints keep (API.md §4.4, §4.5). Nothing here is
-- plaintext: Request-Keys are stored as SHA-256 hashes, the fields behind
-- them sealed with the key ring, and the registry of issued documents as
-- keyed hashes (HMAC-SHA256 under a sealed registry key).

-- Request-Keys that `id-card` answered: single use, deleted when used or
-- expired (the sweeper).
CREATE TABLE request_keys (
    key_hash      BYTEA    NOT NULL PRIMARY KEY,
    app_key       TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    id_type       TEXT    NOT NULL,
    sealed_fields BYTEA    NOT NULL,
    expires_at    BIGINT NOT NULL -- Unix time, seconds
);
CREATE INDEX request_keys_by_expiry ON request_keys (expires_at);

-- The built-in verifier's registry of issued documents, loaded by
-- `docrec admin import-id-registry`. record_hash: the document's fields;
-- serial_hash: the same with a licence's serial (NULL when none is known).
CREATE TABLE id_registry (
    record_hash BYTEA    NOT NULL PRIMARY KEY,
    serial_hash BYTEA,
    imported_at BIGINT NOT NULL
);

-- Failed authenticity checks per resident number (its keyed hash): five
-- lock the number (4000123) until a day after the last failure.
CREATE TABLE authenticity_failures (
    person_hash     BYTEA    NOT NULL PRIMARY KEY,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL
);

-- Secrets docrec makes for itself (the registry's hash key), sealed.
CREATE TABLE sealed_secrets (
    name   TEXT NOT NULL PRIMARY KEY,
    sealed BYTEA NOT NULL
);
