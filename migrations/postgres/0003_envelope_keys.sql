-- The keys of the v2 envelope (API.md §4.3) and of sealing at rest.

-- The key ring that seals what docrec stores: data keys by version, each
-- wrapped (AES-256-GCM) by the master key. The master key is never stored
-- here (DOCREC_MASTER_KEY, or master.key in the data dir); rotating it
-- re-wraps these rows only. New seals use the highest version.
CREATE TABLE key_ring (
    version     BIGINT NOT NULL PRIMARY KEY,
    wrapped_key BYTEA    NOT NULL,
    created_at  BIGINT NOT NULL -- Unix time, seconds
);

-- RSA-2048 key pairs per appKey, service ('credit-card', 'id-card') and
-- version. public_key: Base64 DER SubjectPublicKeyInfo, as clients fetch
-- it. sealed_private_key: PKCS#8 DER sealed with the key ring, bound to
-- (appKey, service, version). retired_at: when a newer version was
-- rotated in; the pair keeps opening envelopes for the grace period after.
CREATE TABLE envelope_keys (
    app_key            TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    service            TEXT    NOT NULL,
    version            BIGINT NOT NULL,
    public_key         TEXT    NOT NULL,
    sealed_private_key BYTEA    NOT NULL,
    created_at         BIGINT NOT NULL,
    retired_at         BIGINT,
    PRIMARY KEY (app_key, service, version)
);
