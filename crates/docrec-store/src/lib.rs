//! The persistent state of docrec.
//!
//! Takes a data directory and gives a [`Store`]: a pool of SQLite connections
//! to `data_dir/docrec.sqlite3`, migrated at open, with the operations the
//! rest of docrec needs on appKeys: bootstrap a configured key
//! ([`Store::ensure_app_key`]), mint a new one ([`Store::create_app_key`]),
//! check a secretKey in constant time ([`Store::verify_secret`]) and ask
//! whether a [`Service`] is enabled ([`Store::service_enabled`]); and the
//! business status table ([`Store::import_business_status`],
//! [`Store::business_status`]); the keys of the v2 envelope and of sealing
//! at rest, kept as bytes ([`Store::key_ring`], [`Store::envelope_keys`]);
//! and what the ID-card endpoints keep, hashed or sealed (Request-Keys,
//! the registry of issued documents, failed authenticity checks);
//! projects, users and their roles, users' access keys and access tokens
//! ([`Store::create_project`], [`Store::app_key_access`],
//! [`Store::verify_access_key`], [`Store::access_token_owner`]).
//! Every failure is a [`StoreError`], which
//! answers `DATABASE_FAIL` (5000003).
//!
//! Decisions:
//!
//! * **Runtime-checked queries.** Queries use `sqlx::query`, `query_as` and
//!   `query_scalar`, never the `query!` macros: those need a live database
//!   or a committed `.sqlx` directory at compile time, and a clean clone must
//!   build with neither. The queries are few and each is exercised by a test.
//! * **Portable SQL.** PostgreSQL comes later (several nodes sharing one
//!   database), so the SQL is kept to what both speak: numbered `$1`
//!   placeholders, no SQLite-only functions, `INSERT ... ON CONFLICT ... DO
//!   UPDATE/NOTHING`, timestamps as integer Unix seconds computed in Rust.
//! * **Migrations** are plain SQL files in `migrations/sqlite/`, embedded
//!   with `sqlx::migrate!` and run by [`Store::open_sqlite`]; running them
//!   again is a no-op.
//! * **Never a hang.** The pool's acquire timeout and SQLite's busy timeout
//!   are bounded (5 s each), so a locked or unavailable database answers
//!   [`StoreError`] (5000003) instead of blocking a request forever.
//! * **Secrets.** Only `HMAC-SHA256(per-key random salt, secretKey)` is
//!   stored. A slow password hash (Argon2, bcrypt) guards low-entropy,
//!   human-chosen passwords against dictionaries; a secretKey is a 192-bit
//!   random token from the OS CSPRNG, which no dictionary covers and no
//!   hashing speed makes guessable, so a fast keyed hash is adequate and
//!   keeps every authenticated request cheap (`src/secret.rs` has the full
//!   reasoning). Hashes are compared in constant time, and no secret ever
//!   appears in an error or a log line.

mod app_keys;
mod business_status;
mod envelope_keys;
mod error;
mod id_cards;
mod projects;
mod secret;
mod service;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use business_status::BusinessStatus;
pub use envelope_keys::EnvelopeKey;
pub use error::StoreError;
pub use id_cards::{RegistryRecord, TakenRequestKey};
pub use projects::{AppKeyAccess, Member, Project, TokenOwner, User, DEFAULT_PROJECT_ID};
pub use service::{Service, ServiceState};

/// The file name of the SQLite database inside the data directory.
pub const SQLITE_FILE_NAME: &str = "docrec.sqlite3";

/// How long a request waits for a pooled connection, and SQLite for a lock,
/// before giving up with an error.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Most connections open at once. SQLite serialises writers anyway; readers
/// (secret checks) run in parallel under WAL.
const MAX_CONNECTIONS: u32 = 8;

/// docrec's persistent state. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating it and `data_dir` if missing) `data_dir/docrec.sqlite3`
    /// in WAL mode with a busy timeout, and runs the migrations.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Store, StoreError> {
        Self::open_sqlite_with_timeout(data_dir, DEFAULT_TIMEOUT).await
    }

    /// [`Store::open_sqlite`] with another acquire/busy timeout (tests use a
    /// short one to show that a locked database errors instead of hanging).
    pub(crate) async fn open_sqlite_with_timeout(
        data_dir: &Path,
        timeout: Duration,
    ) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path: PathBuf = data_dir.join(SQLITE_FILE_NAME);
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(timeout)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
        Ok(Store { pool })
    }

    /// Succeeds when the database answers a trivial query (health checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection, checkpointing the WAL (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests;
