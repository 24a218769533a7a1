//! docrec's cryptography.
//!
//! - [`keys`]: RSA-2048 key pairs, one per appKey, service and version;
//!   the public half as clients fetch it.
//! - [`envelope`]: the v2 envelope of API.md §4.3: the `Symmetric-Key`
//!   unwrapped to K, and AES-256-CBC with IV = K[0..16] for uploads and
//!   answer values. Its doc says how the Marvin attack is answered.
//! - [`at_rest`]: AES-256-GCM sealing of what docrec stores (private keys,
//!   recognised ID-card fields) under a versioned key ring, the ring under
//!   a master key.
//!
//! Keys are wiped from memory when dropped ([`zeroize`]). Nothing here
//! logs or stores; the only I/O is the master key file.

pub mod at_rest;
pub mod envelope;
pub mod keys;

pub use at_rest::{DataKey, KeyRing, MasterKey, SealError};
pub use envelope::{BodyError, EnvelopeError, SymmetricKey};
pub use keys::{KeyError, KeyPair};

use docrec_errors::{ErrorCode, ToErrorCode};

impl ToErrorCode for EnvelopeError {
    fn error_code(&self) -> ErrorCode {
        match self {
            EnvelopeError::InvalidSymmetricKey => ErrorCode::InvalidSymmetricKey,
            EnvelopeError::InvalidEncryptedData => ErrorCode::InvalidEncryptedData,
        }
    }
}

impl ToErrorCode for BodyError {
    fn error_code(&self) -> ErrorCode {
        match self {
            BodyError::Malformed => ErrorCode::InvalidParameter,
            BodyError::Envelope(e) => e.error_code(),
        }
    }
}

/// A key that cannot be made or read is an internal decryption failure.
impl ToErrorCode for KeyError {
    fn error_code(&self) -> ErrorCode {
        ErrorCode::DecryptFail
    }
}

/// Sealed data that cannot be opened is a decryption failure (5000006);
/// data that cannot be sealed, an encryption failure (5000007).
impl ToErrorCode for SealError {
    fn error_code(&self) -> ErrorCode {
        match self {
            SealError::Random => ErrorCode::EncryptFail,
            _ => ErrorCode::DecryptFail,
        }
    }
}
