//! The stored keys of the v2 envelope and of sealing at rest: the key ring
//! (data keys wrapped by the master key) and each appKey's RSA key pairs
//! (private keys sealed). The store keeps bytes; docrec-crypto makes,
//! seals and opens them.

use crate::app_keys::unix_now;
use crate::{Service, Store, StoreError};

/// One version of an appKey's key pair for a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeKey {
    pub version: i64,
    /// Base64 DER SubjectPublicKeyInfo.
    pub public_key: String,
    /// The PKCS#8 DER private key, sealed.
    pub sealed_private_key: Vec<u8>,
    pub created_at: i64,
    /// When a newer version replaced it (Unix seconds), if one did.
    pub retired_at: Option<i64>,
}

type EnvelopeKeyRow = (i64, String, Vec<u8>, i64, Option<i64>);

fn from_row(
    (version, public_key, sealed_private_key, created_at, retired_at): EnvelopeKeyRow,
) -> EnvelopeKey {
    EnvelopeKey {
        version,
        public_key,
        sealed_private_key,
        created_at,
        retired_at,
    }
}

impl Store {
    /// The key ring's wrapped data keys, by version, lowest first.
    pub async fn key_ring(&self) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT version, wrapped_key FROM key_ring ORDER BY version")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Adds a wrapped data key as `version`; `false` when that version
    /// exists already (another node made it first: read the ring again).
    pub async fn add_key_ring_version(
        &self,
        version: i64,
        wrapped_key: &[u8],
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO key_ring (version, wrapped_key, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(version)
        .bind(wrapped_key)
        .bind(unix_now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces every wrapped data key (a new master key), all in one
    /// transaction; fails, changing nothing, unless `rows` names exactly
    /// the versions the ring has.
    pub async fn rewrap_key_ring(&self, rows: &[(i64, Vec<u8>)]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM key_ring")
            .fetch_one(&mut *tx)
            .await?;
        for (version, wrapped_key) in rows {
            let done = sqlx::query("UPDATE key_ring SET wrapped_key = $1 WHERE version = $2")
                .bind(wrapped_key)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                // Rolled back before returning: a dropped transaction
                // rolls back in the background, and a write racing that
                // may find SQLite locked.
                tx.rollback().await?;
                return Err(StoreError::KeyRingChanged);
            }
        }
        if count != rows.len() as i64 {
            tx.rollback().await?;
            return Err(StoreError::KeyRingChanged);
        }
        tx.commit().await?;
        Ok(())
    }

    /// The appKey's key pairs for `service`, newest first.
    pub async fn envelope_keys(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<Vec<EnvelopeKey>, StoreError> {
        let rows: Vec<EnvelopeKeyRow> = sqlx::query_as(
            "SELECT version, public_key, sealed_private_key, created_at, retired_at \
             FROM envelope_keys WHERE app_key = $1 AND service = $2 ORDER BY version DESC",
        )
        .bind(app_key)
        .bind(service.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// Adds a key pair as the newest version for the appKey and service,
    /// retiring the one before it now, in one transaction. `version` must
    /// be one more than the newest (1 for the first); `false` when another
    /// request or node added that version first (read the keys again).
    pub async fn add_envelope_key(
        &self,
        app_key: &str,
        service: Service,
        version: i64,
        public_key: &str,
        sealed_private_key: &[u8],
    ) -> Result<bool, StoreError> {
        let now = unix_now();
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO envelope_keys (app_key, service, version, public_key, sealed_private_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (app_key, service, version) DO NOTHING",
        )
        .bind(app_key)
        .bind(service.as_str())
        .bind(version)
        .bind(public_key)
        .bind(sealed_private_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE envelope_keys SET retired_at = $1 \
             WHERE app_key = $2 AND service = $3 AND version < $4 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(app_key)
        .bind(service.as_str())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes the key pairs retired at or before `retired_before` (their
    /// grace period over, they open no envelope); gives how many.
    pub async fn sweep_retired_envelope_keys(
        &self,
        retired_before: i64,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM envelope_keys WHERE retired_at IS NOT NULL AND retired_at <= $1",
        )
        .bind(retired_before)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Every appKey, in order (to rotate all their keys).
    pub async fn app_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT app_key FROM app_keys ORDER BY app_key")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
