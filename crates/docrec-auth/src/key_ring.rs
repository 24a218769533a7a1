//! The keys docrec holds: the at-rest key ring (opened once at start
//! with the master key) and each appKey's envelope key pairs (made on
//! first use, rotated by `docrec admin rotate-keys`).
//!
//! Takes: the store, the master key (from [`MasterKeySource`]) and the
//! grace period. Gives [`Keys`]: the public key a client fetches, the key
//! pair a request's `X-Key-Version` names (or 4000301), sealing for other
//! stored values, and rotation; and [`rotate_master_key`]. Every failure
//! is a [`KeyRingError`]: its code of the table, and the failure
//! underneath (the store's, the cipher's, the file system's) kept as its
//! source.

use std::num::TryFromIntError;
use std::sync::Arc;
use std::time::Duration;

use docrec_crypto::{DataKey, KeyError, KeyPair, KeyRing, MasterKey, SealError};
use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_store::{EnvelopeKey, Service, Store, StoreError};

/// Why the key ring or an envelope key pair failed. No variant carries a
/// key or a sealed value.
#[derive(Debug, thiserror::Error)]
pub enum KeyRingError {
    /// The code alone, with no failure underneath to log: a key version
    /// that names no usable key pair (`INVALID_KEY_VERSION`), a key pair
    /// that could not be encoded or sealed (`ENCRYPT_FAIL`), one stored but
    /// not read back (`DATABASE_FAIL`).
    #[error("failed with {}", .0.code())]
    Code(ErrorCode),
    /// The store failed (`DATABASE_FAIL`).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The key ring or the master key failed: a sealed value or a wrapped
    /// data key does not open, the master key is malformed or its file
    /// unreadable (the seal error's code: `DECRYPT_FAIL`, or `ENCRYPT_FAIL`
    /// when the OS gave no random bytes).
    #[error(transparent)]
    Ring(#[from] SealError),
    /// A value could not be sealed (`ENCRYPT_FAIL`).
    #[error(transparent)]
    Seal(SealError),
    /// A new key pair could not be made (`ENCRYPT_FAIL`).
    #[error(transparent)]
    Generate(KeyError),
    /// A stored private key does not read (`DECRYPT_FAIL`).
    #[error(transparent)]
    KeyPair(KeyError),
    /// The master key in the environment variable `name` is malformed
    /// (`DECRYPT_FAIL`).
    #[error("{name}")]
    EnvironmentMasterKey {
        name: &'static str,
        #[source]
        source: SealError,
    },
    /// A stored data key version is out of range (`DECRYPT_FAIL`).
    #[error(transparent)]
    Version(#[from] TryFromIntError),
    /// The master key's directory or files could not be made, moved or
    /// removed (`FAIL`).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<ErrorCode> for KeyRingError {
    fn from(code: ErrorCode) -> Self {
        KeyRingError::Code(code)
    }
}

impl ToErrorCode for KeyRingError {
    fn error_code(&self) -> ErrorCode {
        match self {
            KeyRingError::Code(code) => *code,
            KeyRingError::Store(error) => error.error_code(),
            KeyRingError::Ring(error) => error.error_code(),
            KeyRingError::Seal(_) | KeyRingError::Generate(_) => ErrorCode::EncryptFail,
            KeyRingError::KeyPair(error) => error.error_code(),
            KeyRingError::EnvironmentMasterKey { source, .. } => source.error_code(),
            KeyRingError::Version(_) => ErrorCode::DecryptFail,
            KeyRingError::Io(_) => ErrorCode::Fail,
        }
    }
}

/// The envelope keys and the key ring. Cheap to clone.
#[derive(Clone)]
pub struct Keys {
    store: Store,
    ring: Arc<KeyRing>,
    /// How long a retired key pair keeps opening envelopes.
    grace: Duration,
}

/// The services that have envelope keys (API.md §4.3).
pub const ENVELOPE_SERVICES: [Service; 2] = [Service::CreditCard, Service::IdCard];

/// What seals a private key: bound to its appKey, service and version, so
/// a sealed key copied to another row does not open.
fn private_key_context(app_key: &str, service: Service, version: i64) -> String {
    format!("envelope-key/{app_key}/{service}/{version}")
}

impl Keys {
    /// Opens the key ring with the master key of `source` (making its
    /// first data key on a new database) and gives the server's keys.
    pub async fn open(
        store: &Store,
        source: &MasterKeySource,
        grace: Duration,
    ) -> Result<Keys, KeyRingError> {
        let ring = open_key_ring_from(store, source).await?;
        Ok(Keys {
            store: store.clone(),
            ring: Arc::new(ring),
            grace,
        })
    }

    /// The newest public key of the appKey for `service` (Base64 DER
    /// SubjectPublicKeyInfo) and its version; the first use makes the
    /// pair.
    pub async fn public_key(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<(String, String), KeyRingError> {
        let keys = self.envelope_keys(app_key, service).await?;
        let newest = match keys.into_iter().next() {
            Some(newest) => newest,
            None => {
                self.add_version(app_key, service, 1).await?;
                self.envelope_keys(app_key, service)
                    .await?
                    .into_iter()
                    .next()
                    .ok_or(ErrorCode::DatabaseFail)?
            }
        };
        Ok((newest.public_key, newest.version.to_string()))
    }

    /// The key pair that `version` (an `X-Key-Version` header) names:
    /// the newest, or a retired one within its grace period; anything else
    /// is 4000301.
    pub async fn key_pair(
        &self,
        app_key: &str,
        service: Service,
        version: &str,
    ) -> Result<KeyPair, KeyRingError> {
        let version: i64 = version
            .trim()
            .parse()
            .map_err(|_| ErrorCode::InvalidKeyVersion)?;
        let now = unix_now();
        let key = self
            .envelope_keys(app_key, service)
            .await?
            .into_iter()
            .find(|k| k.version == version)
            .filter(|k| {
                k.retired_at
                    .is_none_or(|retired| now < retired.saturating_add(self.grace.as_secs() as i64))
            })
            .ok_or(ErrorCode::InvalidKeyVersion)?;
        let context = private_key_context(app_key, service, version);
        let der = self.ring.open(&key.sealed_private_key, &context)?;
        KeyPair::from_pkcs8_der(&der).map_err(KeyRingError::KeyPair)
    }

    /// Deletes the key pairs whose grace period is over (they open no
    /// envelope); gives how many.
    pub async fn sweep_retired(&self) -> Result<u64, KeyRingError> {
        let retired_before = unix_now().saturating_sub(self.grace.as_secs() as i64);
        Ok(self
            .store
            .sweep_retired_envelope_keys(retired_before)
            .await?)
    }

    /// Adds a new key pair version for the appKey and service; the one
    /// before it keeps working for the grace period. Gives the new version.
    pub async fn rotate(&self, app_key: &str, service: Service) -> Result<i64, KeyRingError> {
        loop {
            let newest = self
                .envelope_keys(app_key, service)
                .await?
                .first()
                .map_or(0, |k| k.version);
            if self.add_version(app_key, service, newest + 1).await? {
                return Ok(newest + 1);
            }
        }
    }

    /// Seals `plaintext` for `context` with the key ring.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<Vec<u8>, KeyRingError> {
        self.ring
            .seal(plaintext, context)
            .map_err(KeyRingError::Seal)
    }

    /// Opens what [`Keys::seal`] sealed for `context`.
    pub fn open_sealed(
        &self,
        sealed: &[u8],
        context: &str,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, KeyRingError> {
        Ok(self.ring.open(sealed, context)?)
    }

    async fn envelope_keys(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<Vec<EnvelopeKey>, KeyRingError> {
        Ok(self.store.envelope_keys(app_key, service).await?)
    }

    /// Makes and stores a pair as `version`; `false` when another request
    /// or node stored that version first.
    async fn add_version(
        &self,
        app_key: &str,
        service: Service,
        version: i64,
    ) -> Result<bool, KeyRingError> {
        let ring = self.ring.clone();
        let context = private_key_context(app_key, service, version);
        let (public_key, sealed) = tokio::task::spawn_blocking(move || {
            let pair = KeyPair::generate().map_err(KeyRingError::Generate)?;
            let der = pair.to_pkcs8_der().map_err(|_| ErrorCode::EncryptFail)?;
            let sealed = ring
                .seal(&der, &context)
                .map_err(|_| ErrorCode::EncryptFail)?;
            let public_key = pair
                .public_key_base64()
                .map_err(|_| ErrorCode::EncryptFail)?;
            Ok::<_, KeyRingError>((public_key, sealed))
        })
        .await
        .map_err(|_| ErrorCode::EncryptFail)??;
        Ok(self
            .store
            .add_envelope_key(app_key, service, version, &public_key, &sealed)
            .await?)
    }
}

/// The environment variable holding the master key.
pub const MASTER_KEY_ENV: &str = "DOCREC_MASTER_KEY";
/// The environment variable holding the next master key, for
/// `docrec admin rotate-master-key` when the key comes from the environment.
const NEW_MASTER_KEY_ENV: &str = "DOCREC_NEW_MASTER_KEY";
/// The environment variable naming the master key file, when the key
/// should live outside the data dir (README, "Security").
pub const MASTER_KEY_FILE_ENV: &str = "DOCREC_MASTER_KEY_FILE";
/// The master key file in the data dir, when the environment names none.
const MASTER_KEY_FILE: &str = "master.key";
/// The next master key file while a rotation is under way.
const NEW_MASTER_KEY_FILE: &str = "master.key.new";

/// Where the master key comes from.
pub enum MasterKeySource {
    /// `DOCREC_MASTER_KEY`.
    Environment,
    /// A key file (made, mode 0600, on first start): the one
    /// `DOCREC_MASTER_KEY_FILE` names, else the data dir's.
    File(std::path::PathBuf),
}

impl MasterKeySource {
    /// The environment's key if it has one, else the file
    /// `DOCREC_MASTER_KEY_FILE` names, else the data dir's file.
    pub fn of(data_dir: &std::path::Path) -> MasterKeySource {
        let set = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if set(MASTER_KEY_ENV).is_some() {
            MasterKeySource::Environment
        } else if let Some(path) = set(MASTER_KEY_FILE_ENV) {
            MasterKeySource::File(path.into())
        } else {
            MasterKeySource::File(data_dir.join(MASTER_KEY_FILE))
        }
    }

    /// The master key.
    pub fn load(&self) -> Result<MasterKey, KeyRingError> {
        match self {
            MasterKeySource::Environment => env_master_key(MASTER_KEY_ENV),
            MasterKeySource::File(path) => {
                if let Some(dir) = path.parent() {
                    use std::os::unix::fs::DirBuilderExt;
                    std::fs::DirBuilder::new()
                        .recursive(true)
                        .mode(0o700)
                        .create(dir)?;
                }
                Ok(MasterKey::load_or_create(path)?)
            }
        }
    }

    /// The next key file, beside the key file.
    fn new_file(path: &std::path::Path) -> std::path::PathBuf {
        path.with_file_name(NEW_MASTER_KEY_FILE)
    }
}

fn env_master_key(name: &'static str) -> Result<MasterKey, KeyRingError> {
    let text = zeroize::Zeroizing::new(std::env::var(name).unwrap_or_default());
    MasterKey::from_text(&text)
        .map_err(|source| KeyRingError::EnvironmentMasterKey { name, source })
}

/// Opens the key ring with the master key of `source`. A key file
/// rotation that stopped after the database was re-wrapped but before the
/// new file replaced the old one is finished here; one that stopped before
/// the database changed is undone.
async fn open_key_ring_from(
    store: &Store,
    source: &MasterKeySource,
) -> Result<KeyRing, KeyRingError> {
    let master = source.load()?;
    let opened = open_key_ring(store, &master).await;
    let MasterKeySource::File(path) = source else {
        return opened;
    };
    let new_path = MasterKeySource::new_file(path);
    if !new_path.exists() {
        return opened;
    }
    if opened.is_ok() {
        std::fs::remove_file(&new_path)?;
        return opened;
    }
    let new_master = MasterKey::load_or_create(&new_path)?;
    let ring = open_key_ring(store, &new_master).await?;
    std::fs::rename(&new_path, path)?;
    Ok(ring)
}

/// `docrec admin rotate-master-key`: re-wraps every data key of the ring
/// under a new master key (the data they sealed is not touched), all or
/// nothing. From a key file: a new random key replaces the file. From
/// the environment: the new key is `DOCREC_NEW_MASTER_KEY`, which the
/// operator then sets as `DOCREC_MASTER_KEY`. Gives the number of data keys.
pub async fn rotate_master_key(
    store: &Store,
    source: &MasterKeySource,
) -> Result<usize, KeyRingError> {
    let old = source.load()?;
    let rows = store.key_ring().await?;
    // The ring must open with the old key before anything changes.
    open_key_ring(store, &old).await?;
    let new = match source {
        MasterKeySource::Environment => env_master_key(NEW_MASTER_KEY_ENV)?,
        MasterKeySource::File(path) => {
            let new_path = MasterKeySource::new_file(path);
            let _ = std::fs::remove_file(&new_path);
            MasterKey::load_or_create(&new_path)?
        }
    };
    let mut rewrapped = Vec::with_capacity(rows.len());
    for (version, wrapped) in &rows {
        let v = u32::try_from(*version)?;
        rewrapped.push((*version, new.wrap(v, &old.unwrap(v, wrapped)?)?));
    }
    store.rewrap_key_ring(&rewrapped).await?;
    if let MasterKeySource::File(path) = source {
        std::fs::rename(MasterKeySource::new_file(path), path)?;
    }
    Ok(rewrapped.len())
}

/// The ring of data keys, each unwrapped with `master`; a new database
/// gets version 1 (when two nodes start at once, the second one's insert
/// loses and it reads the first one's key).
async fn open_key_ring(store: &Store, master: &MasterKey) -> Result<KeyRing, KeyRingError> {
    let mut rows = store.key_ring().await?;
    if rows.is_empty() {
        let wrapped = master.wrap(1, &DataKey::generate()?)?;
        store.add_key_ring_version(1, &wrapped).await?;
        rows = store.key_ring().await?;
    }
    let mut keys = Vec::with_capacity(rows.len());
    for (version, wrapped) in rows {
        let version = u32::try_from(version)?;
        keys.push((version, master.unwrap(version, &wrapped)?));
    }
    Ok(KeyRing::new(keys))
}

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store and a key-file source in a fresh data dir, with one value
    /// sealed under the ring the first start makes.
    async fn started() -> (tempfile::TempDir, Store, MasterKeySource, Vec<u8>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_sqlite(dir.path()).await.expect("store");
        let source = MasterKeySource::File(dir.path().join(MASTER_KEY_FILE));
        let ring = open_key_ring_from(&store, &source).await.expect("ring");
        let sealed = ring.seal(b"sealed before", "test").expect("seal");
        (dir, store, source, sealed)
    }

    #[test]
    fn each_failure_keeps_the_code_it_answered_with_in_the_server() {
        let generate = || KeyError::Generate("no entropy".to_owned());
        for (error, code) in [
            (KeyRingError::Seal(SealError::Open), ErrorCode::EncryptFail),
            (KeyRingError::Ring(SealError::Open), ErrorCode::DecryptFail),
            (
                KeyRingError::Ring(SealError::Random),
                ErrorCode::EncryptFail,
            ),
            (KeyRingError::Generate(generate()), ErrorCode::EncryptFail),
            (KeyRingError::KeyPair(generate()), ErrorCode::DecryptFail),
            (
                KeyRingError::from(ErrorCode::InvalidKeyVersion),
                ErrorCode::InvalidKeyVersion,
            ),
            (
                KeyRingError::from(StoreError::AppKeyCollision),
                ErrorCode::DatabaseFail,
            ),
        ] {
            assert_eq!(error.error_code(), code, "{error}");
        }
        // The cause the server logs is the failure underneath's message.
        assert_eq!(
            KeyRingError::Seal(SealError::Open).to_string(),
            SealError::Open.to_string()
        );
    }

    fn key_file(dir: &tempfile::TempDir, name: &str) -> Vec<u8> {
        std::fs::read(dir.path().join(name)).expect("key file")
    }

    #[tokio::test]
    async fn a_rotation_stopped_after_the_database_changed_is_finished_at_start() {
        let (dir, store, source, sealed) = started().await;
        // What `rotate_master_key` does up to its last step: the new key
        // file is written and the database re-wrapped under it, but the
        // file has not replaced the old one.
        let old = source.load().expect("old key");
        let new = MasterKey::load_or_create(&dir.path().join(NEW_MASTER_KEY_FILE)).expect("new");
        let rows = store.key_ring().await.expect("rows");
        let rewrapped: Vec<_> = rows
            .iter()
            .map(|(version, wrapped)| {
                let v = u32::try_from(*version).expect("version");
                let key = old.unwrap(v, wrapped).expect("unwrap");
                (*version, new.wrap(v, &key).expect("wrap"))
            })
            .collect();
        store.rewrap_key_ring(&rewrapped).await.expect("rewrap");
        let new_file = key_file(&dir, NEW_MASTER_KEY_FILE);

        let ring = open_key_ring_from(&store, &source).await.expect("reopen");

        assert_eq!(
            &*ring.open(&sealed, "test").expect("opens"),
            b"sealed before"
        );
        assert_eq!(key_file(&dir, MASTER_KEY_FILE), new_file);
        assert!(!dir.path().join(NEW_MASTER_KEY_FILE).exists());
        // The next start opens with the key file alone.
        let again = open_key_ring_from(&store, &source).await.expect("again");
        assert_eq!(
            &*again.open(&sealed, "test").expect("opens"),
            b"sealed before"
        );
    }

    #[tokio::test]
    async fn a_rotation_stopped_before_the_database_changed_is_undone_at_start() {
        let (dir, store, source, sealed) = started().await;
        let old_file = key_file(&dir, MASTER_KEY_FILE);
        MasterKey::load_or_create(&dir.path().join(NEW_MASTER_KEY_FILE)).expect("new");

        let ring = open_key_ring_from(&store, &source).await.expect("reopen");

        assert_eq!(
            &*ring.open(&sealed, "test").expect("opens"),
            b"sealed before"
        );
        assert_eq!(key_file(&dir, MASTER_KEY_FILE), old_file);
        assert!(!dir.path().join(NEW_MASTER_KEY_FILE).exists());
    }

    #[tokio::test]
    async fn a_finished_rotation_keeps_sealed_data_and_replaces_the_key_file() {
        let (dir, store, source, sealed) = started().await;
        let old_file = key_file(&dir, MASTER_KEY_FILE);

        assert_eq!(rotate_master_key(&store, &source).await.expect("rotate"), 1);

        assert_ne!(key_file(&dir, MASTER_KEY_FILE), old_file);
        assert!(!dir.path().join(NEW_MASTER_KEY_FILE).exists());
        let ring = open_key_ring_from(&store, &source).await.expect("reopen");
        assert_eq!(
            &*ring.open(&sealed, "test").expect("opens"),
            b"sealed before"
        );
    }
}
