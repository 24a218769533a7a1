//! Sealing at rest: AES-256-GCM under a versioned key ring, the ring under
//! one master key.
//!
//! Takes: a [`MasterKey`] (from `DOCREC_MASTER_KEY`, or a key file made
//! with mode 0600 on first start) and the ring's data keys as stored,
//! each wrapped by the master key. Gives: a [`KeyRing`] that seals values
//! (private keys, recognised ID-card fields) with its newest data key and
//! opens what any of its versions sealed.
//!
//! Two levels, so that rotating the master key only re-wraps the few data
//! keys (`docrec admin rotate-master-key`), never the sealed data; and a
//! new data key version can be added for new seals while old ones still
//! open. Every seal binds a context (what the value is and whose), so a
//! sealed value copied to another row does not open there.
//!
//! A sealed value is `version (4 bytes, big-endian) ‖ nonce (12) ‖
//! ciphertext and tag`. Nonces are random: with 96-bit nonces a key may
//! seal about 2^32 values before the collision risk matters; docrec seals
//! a few per request, and a new data key version resets the count.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use zeroize::Zeroizing;

/// Bytes of every key here (AES-256).
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const VERSION_LEN: usize = 4;

/// Sealing or opening failed, or a key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The master key given is not 32 bytes of Base64 or hex.
    #[error("the master key must be 32 bytes, as Base64 or hex (64 digits)")]
    BadMasterKey,
    /// The master key does not open a wrapped data key: it is not the key
    /// the ring was made with.
    #[error("the master key does not open data key version {0}: is DOCREC_MASTER_KEY (or the key file) the one the data was sealed with?")]
    WrongMasterKey(u32),
    /// A sealed value names a data key version the ring does not have.
    #[error("no data key version {0} in the key ring")]
    UnknownVersion(u32),
    /// A sealed value does not open: damaged, or sealed for another context.
    #[error("a sealed value does not open (damaged, or moved from where it was sealed)")]
    Open,
    /// The system RNG failed.
    #[error("the system random number generator failed")]
    Random,
    /// The master key file could not be read or written.
    #[error("master key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
}

/// The master key: it only wraps the ring's data keys.
pub struct MasterKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Reads a master key written as Base64 or hex (64 digits) of 32
    /// bytes, e.g. `DOCREC_MASTER_KEY`.
    pub fn from_text(text: &str) -> Result<MasterKey, SealError> {
        let text = text.trim();
        let bytes = Zeroizing::new(
            decode_hex(text)
                .or_else(|| BASE64.decode(text).ok())
                .ok_or(SealError::BadMasterKey)?,
        );
        let key: &[u8; KEY_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SealError::BadMasterKey)?;
        Ok(MasterKey::from_bytes(key))
    }

    fn from_bytes(key: &[u8; KEY_LEN]) -> MasterKey {
        MasterKey {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// A new random master key, as the text [`MasterKey::from_text`] reads
    /// (Base64), e.g. for `docrec admin rotate-master-key`.
    pub fn generate_text() -> Result<Zeroizing<String>, SealError> {
        let key = random_key()?;
        Ok(Zeroizing::new(BASE64.encode(key.as_slice())))
    }

    /// The master key of the file at `path`; when there is none, a new
    /// random key is written there first, readable by the owner only
    /// (mode 0600, created so: never world-readable, not even briefly).
    pub fn load_or_create(path: &Path) -> Result<MasterKey, SealError> {
        let file_error = |source| SealError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => return MasterKey::from_text(&Zeroizing::new(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(e)),
        }
        let text = MasterKey::generate_text()?;
        write_private_file(path, text.as_bytes()).map_err(file_error)?;
        MasterKey::from_text(&text)
    }

    /// A data key wrapped for storage (bound to its version).
    pub fn wrap(&self, version: u32, data_key: &DataKey) -> Result<Vec<u8>, SealError> {
        seal_with(
            &self.cipher,
            version,
            data_key.0.as_slice(),
            &wrap_context(version),
        )
    }

    /// The data key that [`MasterKey::wrap`] wrapped.
    pub fn unwrap(&self, version: u32, wrapped: &[u8]) -> Result<DataKey, SealError> {
        let (stored_version, plain) = open_with(&self.cipher, wrapped, &wrap_context(version))
            .map_err(|_| SealError::WrongMasterKey(version))?;
        let key: [u8; KEY_LEN] = plain
            .as_slice()
            .try_into()
            .map_err(|_| SealError::WrongMasterKey(version))?;
        if stored_version != version {
            return Err(SealError::WrongMasterKey(version));
        }
        Ok(DataKey(Zeroizing::new(key)))
    }
}

/// One version of the ring's data keys, wiped when dropped.
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    /// A new random data key.
    pub fn generate() -> Result<DataKey, SealError> {
        Ok(DataKey(random_key()?))
    }
}

/// The data keys by version; seals with the newest.
pub struct KeyRing {
    keys: BTreeMap<u32, Aes256Gcm>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl KeyRing {
    /// A ring of these versions' data keys.
    pub fn new(keys: impl IntoIterator<Item = (u32, DataKey)>) -> KeyRing {
        KeyRing {
            keys: keys
                .into_iter()
                .map(|(version, key)| (version, Aes256Gcm::new(key.0.as_slice().into())))
                .collect(),
        }
    }

    /// The version new seals use, `None` for an empty ring.
    pub fn current_version(&self) -> Option<u32> {
        self.keys.keys().next_back().copied()
    }

    /// Seals `plaintext` for `context` with the newest data key.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<Vec<u8>, SealError> {
        let (version, cipher) = self
            .keys
            .iter()
            .next_back()
            .ok_or(SealError::UnknownVersion(0))?;
        seal_with(cipher, *version, plaintext, context.as_bytes())
    }

    /// Opens what [`KeyRing::seal`] sealed for the same `context`, with
    /// whichever version sealed it.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let version = version_of(sealed).ok_or(SealError::Open)?;
        let cipher = self
            .keys
            .get(&version)
            .ok_or(SealError::UnknownVersion(version))?;
        open_with(cipher, sealed, context.as_bytes()).map(|(_, plain)| plain)
    }
}

fn wrap_context(version: u32) -> Vec<u8> {
    format!("docrec data key v{version}").into_bytes()
}

fn version_of(sealed: &[u8]) -> Option<u32> {
    let bytes: [u8; VERSION_LEN] = sealed.get(..VERSION_LEN)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

fn seal_with(
    cipher: &Aes256Gcm,
    version: u32,
    plaintext: &[u8],
    context: &[u8],
) -> Result<Vec<u8>, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| SealError::Random)?;
    let version_bytes = version.to_be_bytes();
    // The version is authenticated too: a sealed value cannot be
    // relabelled to another key's version.
    let aad = [version_bytes.as_slice(), context].concat();
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Open)?;
    Ok([version_bytes.as_slice(), &nonce, &ciphertext].concat())
}

fn open_with(
    cipher: &Aes256Gcm,
    sealed: &[u8],
    context: &[u8],
) -> Result<(u32, Zeroizing<Vec<u8>>), SealError> {
    let version = version_of(sealed).ok_or(SealError::Open)?;
    let rest = &sealed[VERSION_LEN..];
    if rest.len() < NONCE_LEN + 16 {
        return Err(SealError::Open);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let aad = [version.to_be_bytes().as_slice(), context].concat();
    let plain = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Open)?;
    Ok((version, Zeroizing::new(plain)))
}

fn random_key() -> Result<Zeroizing<[u8; KEY_LEN]>, SealError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::fill(key.as_mut_slice()).map_err(|_| SealError::Random)?;
    Ok(key)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 2 * KEY_LEN || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Writes a new file readable and writable by its owner only; fails if it
/// exists (two processes starting at once keep one key).
fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master() -> MasterKey {
        MasterKey::from_text(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn a_ring_opens_what_any_of_its_versions_sealed_for_the_same_context() {
        let old = KeyRing::new([(1, DataKey(Zeroizing::new([1; 32])))]);
        let sealed_old = old.seal(b"880101-1234567", "id-card/req-1").unwrap();
        let ring = KeyRing::new([
            (1, DataKey(Zeroizing::new([1; 32]))),
            (2, DataKey(Zeroizing::new([2; 32]))),
        ]);
        assert_eq!(ring.current_version(), Some(2));
        let sealed_new = ring.seal(b"880101-1234567", "id-card/req-1").unwrap();
        assert_eq!(version_of(&sealed_new), Some(2));
        for sealed in [&sealed_old, &sealed_new] {
            assert_eq!(
                ring.open(sealed, "id-card/req-1").unwrap().as_slice(),
                b"880101-1234567"
            );
            assert!(matches!(
                ring.open(sealed, "id-card/req-2"),
                Err(SealError::Open)
            ));
        }
        assert!(!sealed_new.windows(14).any(|w| w == b"880101-1234567"));
        assert!(matches!(
            old.open(&sealed_new, "id-card/req-1"),
            Err(SealError::UnknownVersion(2))
        ));
        let mut damaged = sealed_new.clone();
        damaged[20] ^= 1;
        assert!(matches!(
            ring.open(&damaged, "id-card/req-1"),
            Err(SealError::Open)
        ));
        assert!(matches!(
            ring.open(&damaged[..10], "id-card/req-1"),
            Err(SealError::Open)
        ));
    }

    #[test]
    fn data_keys_are_wrapped_per_version_and_only_the_master_key_unwraps_them() {
        let key = DataKey::generate().unwrap();
        let wrapped = master().wrap(3, &key).unwrap();
        let unwrapped = master().unwrap(3, &wrapped).unwrap();
        assert_eq!(unwrapped.0.as_slice(), key.0.as_slice());
        assert!(matches!(
            master().unwrap(4, &wrapped),
            Err(SealError::WrongMasterKey(4))
        ));
        let other = MasterKey::from_text(&MasterKey::generate_text().unwrap()).unwrap();
        assert!(matches!(
            other.unwrap(3, &wrapped),
            Err(SealError::WrongMasterKey(3))
        ));
    }

    #[test]
    fn master_keys_read_as_hex_or_base64_of_32_bytes() {
        assert!(MasterKey::from_text(&"0f".repeat(32)).is_ok());
        assert!(MasterKey::from_text(&BASE64.encode([9u8; 32])).is_ok());
        for bad in ["", "short", &"0f".repeat(31), &BASE64.encode([9u8; 31])] {
            assert!(
                matches!(MasterKey::from_text(bad), Err(SealError::BadMasterKey)),
                "{bad}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_made_once_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("docrec-master-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("master.key");
        let _ = std::fs::remove_file(&path);
        let key = DataKey::generate().unwrap();
        let wrapped = MasterKey::load_or_create(&path)
            .unwrap()
            .wrap(1, &key)
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Started again: the same key.
        assert!(MasterKey::load_or_create(&path)
            .unwrap()
            .unwrap(1, &wrapped)
            .is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
