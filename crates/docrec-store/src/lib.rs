//! The persistent state of docrec.
//!
//! Takes a [`Database`] (a data directory for SQLite, the default, or a
//! PostgreSQL URL for several nodes) and gives a [`Store`]: a pool of
//! connections, migrated at open, with the operations the
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
//! [`Store::verify_access_key`], [`Store::access_token_user`]); rate
//! limits, their counters and usage statistics
//! ([`Store::admit_request`], [`Store::record_usage`]).
//! Every failure is a [`StoreError`], which
//! answers `DATABASE_FAIL` (5000003).
//!
//! Decisions:
//!
//! * **Runtime-checked queries.** Queries use `sqlx::query`, `query_as` and
//!   `query_scalar`, never the `query!` macros: those need a live database
//!   or a committed `.sqlx` directory at compile time, and a clean clone must
//!   build with neither. The queries are few and each is exercised by a test.
//! * **One query set, two databases.** The pool is sqlx's `Any` driver, so
//!   each query is written once and runs on SQLite and PostgreSQL alike.
//!   The SQL is what both speak: numbered `$1` placeholders, no
//!   database-only functions, `INSERT ... ON CONFLICT ... DO
//!   UPDATE/NOTHING`, `RETURNING`, timestamps as integer Unix seconds
//!   computed in Rust; values are the types `Any` carries (`i64`, text,
//!   bytes). The alternative, a pool per database behind an enum, would
//!   write every query twice or behind a macro.
//! * **Migrations** are plain SQL files, `migrations/sqlite/` and
//!   `migrations/postgres/` (the same tables and columns, with `BYTEA` for
//!   `BLOB` and `BIGINT` for `INTEGER`), embedded with `sqlx::migrate!`
//!   and run at open; running them again is a no-op.
//! * **Never a hang.** The pool's acquire timeout and SQLite's busy timeout
//!   are bounded (5 s each), so a locked or unavailable database answers
//!   [`StoreError`] (5000003) instead of blocking a request forever; a
//!   PostgreSQL that comes back is used again, since the pool opens new
//!   connections as it needs them.
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
mod usage;

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

pub use business_status::BusinessStatus;
pub use envelope_keys::EnvelopeKey;
pub use error::StoreError;
pub use id_cards::{RegistryRecord, TakenRequestKey};
pub use projects::{AppKeyAccess, Member, Project, User, DEFAULT_PROJECT_ID};
pub use service::{Service, ServiceState};
pub use usage::{CountedPeriod, RateLimits, UsageRow};

/// The file name of the SQLite database inside the data directory.
pub const SQLITE_FILE_NAME: &str = "docrec.sqlite3";

/// How long a request waits for a pooled connection, and SQLite for a lock,
/// before giving up with an error.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Most connections open at once. SQLite serialises writers anyway; readers
/// (secret checks) run in parallel under WAL. Per node, for PostgreSQL.
const MAX_CONNECTIONS: u32 = 8;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Where docrec's state lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// `docrec.sqlite3` in this data directory (the default).
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL (several nodes).
    Postgres(String),
}

impl Database {
    /// PostgreSQL when `url` is a `postgres://` or `postgresql://` URL,
    /// else SQLite in `data_dir`; `None` for a URL of another kind.
    pub fn from_url(url: Option<&str>, data_dir: &Path) -> Option<Database> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Some(Database::Sqlite(data_dir.to_path_buf())),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Some(Database::Postgres(url.to_owned()))
            }
            Some(_) => None,
        }
    }
}

/// Names the database for messages, without the URL (which may hold a
/// password).
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(data_dir) => {
                write!(f, "the SQLite database in {}", data_dir.display())
            }
            Database::Postgres(_) => f.write_str("the PostgreSQL database of DATABASE_URL"),
        }
    }
}

/// docrec's persistent state. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

impl Store {
    /// Opens `database` and runs its migrations.
    pub async fn open(database: &Database) -> Result<Store, StoreError> {
        match database {
            Database::Sqlite(data_dir) => Self::open_sqlite(data_dir).await,
            Database::Postgres(url) => Self::open_postgres(url, DEFAULT_TIMEOUT).await,
        }
    }

    /// Opens (creating it and `data_dir` if missing) `data_dir/docrec.sqlite3`
    /// in WAL mode with a busy timeout, and runs the migrations. The data
    /// dir is made private to docrec's user ([`private_data_dir`]).
    pub async fn open_sqlite(data_dir: &Path) -> Result<Store, StoreError> {
        Self::open_sqlite_with_timeout(data_dir, DEFAULT_TIMEOUT).await
    }

    /// [`Store::open_sqlite`] with another acquire/busy timeout (tests use a
    /// short one to show that a locked database errors instead of hanging).
    pub(crate) async fn open_sqlite_with_timeout(
        data_dir: &Path,
        timeout: Duration,
    ) -> Result<Store, StoreError> {
        let path = private_data_dir(data_dir).map_err(|source| StoreError::CreateDataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let url = sqlite_url(&path);
        // Per connection: foreign keys (ON DELETE CASCADE), a bounded wait
        // for locks, WAL (readers never wait for the writer) with NORMAL
        // syncs, as WAL makes safe.
        let pragmas = format!(
            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
             PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            timeout.as_millis()
        );
        let pool = pool_options(timeout)
            .after_connect(move |connection, _| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    connection.execute(pragmas.as_str()).await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        SQLITE_MIGRATIONS.run(&pool).await?;
        Ok(Store { pool })
    }

    /// Connects to PostgreSQL at `url` (waiting at most `timeout` for a
    /// connection, then and on every later request) and runs the
    /// migrations; nodes starting together take turns (the migrator holds
    /// an advisory lock).
    pub async fn open_postgres(url: &str, timeout: Duration) -> Result<Store, StoreError> {
        let pool = pool_options(timeout).connect(url).await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
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

/// Pool settings both databases share: bounded size, and a bounded wait
/// for a connection, so that a database that is down or locked answers
/// [`StoreError`] (5000003) instead of hanging a request.
fn pool_options(timeout: Duration) -> AnyPoolOptions {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(timeout)
}

/// The `sqlite://` URL of the database file `path`, created if missing
/// (sqlx encodes the path).
fn sqlite_url(path: &Path) -> String {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    sqlx::ConnectOptions::to_url_lossy(&options).to_string()
}

#[cfg(test)]
mod tests;

/// Makes `data_dir` (mode 0700) and the database file in it (mode 0600) if
/// missing, and narrows them and the database's WAL and shared-memory
/// files to those modes if an earlier version left them wider (SQLite
/// gives the WAL and shared-memory files its database file's mode when it
/// makes them); gives the database file's canonical path.
fn private_data_dir(data_dir: &Path) -> std::io::Result<std::path::PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(data_dir)?;
    // A data dir the operator made for docrec, owned by another user (a
    // mounted volume), keeps the mode it was given.
    let _ = std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700));
    let path = std::fs::canonicalize(data_dir)?.join(SQLITE_FILE_NAME);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)?;
    for suffix in ["", "-wal", "-shm"] {
        let file = path.with_file_name(format!("{SQLITE_FILE_NAME}{suffix}"));
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(path)
}
