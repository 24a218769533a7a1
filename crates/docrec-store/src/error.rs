//! The one error of the store.

use std::path::PathBuf;

use docrec_errors::{ErrorCode, ToErrorCode};

/// A failure of the persistent store. Every variant answers `DATABASE_FAIL`
/// (5000003): to a client, a store that cannot be reached, is locked, or
/// failed to migrate are the same "database server error".
///
/// No variant carries a secretKey or any bound query value.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    CreateDataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database could not be reached, answered an error, or timed out.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed (or the database was migrated by a newer docrec).
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Several freshly drawn appKeys all collided with existing ones (a
    /// broken random source, not bad luck).
    #[error("could not draw an unused appKey")]
    AppKeyCollision,
    /// The key ring gained or lost a version while it was being re-wrapped
    /// under a new master key; nothing was changed.
    #[error("the key ring changed while it was being re-wrapped; run the rotation again")]
    KeyRingChanged,
}

impl ToErrorCode for StoreError {
    fn error_code(&self) -> ErrorCode {
        ErrorCode::DatabaseFail
    }
}
