//! What the ID-card endpoints keep: Request-Keys (hashed, fields sealed),
//! the registry of issued documents and failed checks (keyed hashes), and
//! sealed secrets. The store keeps bytes; the server hashes and seals.
//! Times are Unix seconds passed in, so tests can move the clock.

use crate::{Store, StoreError};

/// A Request-Key taken for use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenRequestKey {
    pub id_type: String,
    pub sealed_fields: Vec<u8>,
    pub expires_at: i64,
}

/// One document of the registry, as keyed hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRecord {
    pub record_hash: Vec<u8>,
    pub serial_hash: Option<Vec<u8>>,
}

impl Store {
    /// Keeps a Request-Key (its hash) until `expires_at`.
    pub async fn add_request_key(
        &self,
        key_hash: &[u8],
        app_key: &str,
        id_type: &str,
        sealed_fields: &[u8],
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO request_keys (key_hash, app_key, id_type, sealed_fields, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(key_hash)
        .bind(app_key)
        .bind(id_type)
        .bind(sealed_fields)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes and gives the appKey's Request-Key of this hash, if it has
    /// one that has not expired at `now`. A key is taken once: a second
    /// take, like a take by another appKey, finds nothing.
    pub async fn take_request_key(
        &self,
        key_hash: &[u8],
        app_key: &str,
        now: i64,
    ) -> Result<Option<TakenRequestKey>, StoreError> {
        let row: Option<(String, Vec<u8>, i64)> = sqlx::query_as(
            "DELETE FROM request_keys WHERE key_hash = $1 AND app_key = $2 \
             RETURNING id_type, sealed_fields, expires_at",
        )
        .bind(key_hash)
        .bind(app_key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.filter(|(_, _, expires_at)| now < *expires_at).map(
            |(id_type, sealed_fields, expires_at)| TakenRequestKey {
                id_type,
                sealed_fields,
                expires_at,
            },
        ))
    }

    /// Deletes every Request-Key expired at `now`; gives how many.
    pub async fn sweep_request_keys(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM request_keys WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Adds documents to the registry (a document already there is kept
    /// once), all in one transaction; gives how many rows were given.
    pub async fn import_id_registry(
        &self,
        records: &[RegistryRecord],
        now: i64,
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        for record in records {
            sqlx::query(
                "INSERT INTO id_registry (record_hash, serial_hash, imported_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (record_hash) DO UPDATE SET serial_hash = excluded.serial_hash, \
                 imported_at = excluded.imported_at",
            )
            .bind(&record.record_hash)
            .bind(&record.serial_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(records.len())
    }

    /// The registry's document of this record hash, if it has it.
    pub async fn registry_record(
        &self,
        record_hash: &[u8],
    ) -> Result<Option<RegistryRecord>, StoreError> {
        let serial_hash: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT serial_hash FROM id_registry WHERE record_hash = $1")
                .bind(record_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(serial_hash.map(|serial_hash| RegistryRecord {
            record_hash: record_hash.to_vec(),
            serial_hash,
        }))
    }

    /// Counts an attempt to check a person's document at `now`, unless the
    /// person is locked: `limit` attempts counted, the last at or after
    /// `forget_before`. One statement, so that checks at once cannot all
    /// pass a count read before any of them was written. A count whose
    /// last attempt is older than `forget_before` starts again. Gives
    /// whether the attempt was counted (false: locked).
    pub async fn count_authenticity_attempt(
        &self,
        person_hash: &[u8],
        now: i64,
        forget_before: i64,
        limit: i64,
    ) -> Result<bool, StoreError> {
        let counted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO authenticity_failures (person_hash, failures, last_failure_at) VALUES ($1, 1, $2) \
             ON CONFLICT (person_hash) DO UPDATE SET \
             failures = CASE WHEN authenticity_failures.last_failure_at < $3 THEN 1 \
                        ELSE authenticity_failures.failures + 1 END, \
             last_failure_at = excluded.last_failure_at \
             WHERE authenticity_failures.failures < $4 OR authenticity_failures.last_failure_at < $3 \
             RETURNING failures",
        )
        .bind(person_hash)
        .bind(now)
        .bind(forget_before)
        .bind(limit)
        .fetch_optional(&self.pool)
        .await?;
        Ok(counted.is_some())
    }

    /// Takes back an attempt [`Store::count_authenticity_attempt`] counted
    /// whose check did not complete (the verifier did not answer).
    pub async fn uncount_authenticity_attempt(&self, person_hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE authenticity_failures SET failures = failures - 1 \
             WHERE person_hash = $1 AND failures > 0",
        )
        .bind(person_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes the failed checks whose last failure is older than
    /// `forget_before` (they no longer count); gives how many.
    pub async fn sweep_authenticity_failures(&self, forget_before: i64) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM authenticity_failures WHERE last_failure_at < $1")
                .bind(forget_before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// Forgets a person's counted attempts (after a check that passed).
    pub async fn clear_authenticity_failures(&self, person_hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM authenticity_failures WHERE person_hash = $1")
            .bind(person_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The sealed secret of this name, if one was made.
    pub async fn sealed_secret(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT sealed FROM sealed_secrets WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Keeps a sealed secret unless one of that name exists (another node
    /// made it first); gives the one kept.
    pub async fn add_sealed_secret(
        &self,
        name: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        sqlx::query("INSERT INTO sealed_secrets (name, sealed) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(sealed)
            .execute(&self.pool)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT sealed FROM sealed_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
