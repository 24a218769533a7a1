//! Drawing appKeys and secretKeys, and hashing secretKeys.
//!
//! # Why a fast keyed hash and not a password hash
//!
//! Password hashes (Argon2, bcrypt, scrypt) are slow on purpose, because
//! passwords are chosen by people and a stolen hash can be attacked with a
//! dictionary. A secretKey is not chosen by a person: docrec draws it from
//! the operating system's CSPRNG, 32 characters of a 64-letter alphabet, so
//! 192 bits of entropy (a configured bootstrap key is the operator's
//! responsibility to make equally random). No dictionary covers that space
//! and no amount of hashing speed makes 2^191 guesses feasible, so slowing
//! the hash would buy nothing but CPU time on every authenticated request.
//!
//! What is stored is `HMAC-SHA256(key = salt, message = secretKey)` with a
//! fresh 16-byte random salt per appKey, stored beside the hash. The salt
//! makes equal secrets hash differently and rules out precomputed tables;
//! HMAC rather than a bare `SHA-256(salt || secret)` avoids any question of
//! length extension. Hashes are compared with [`subtle::ConstantTimeEq`].

use hmac::{Hmac, Mac};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Length of a drawn appKey (alphanumeric).
pub(crate) const APP_KEY_LEN: usize = 20;
/// Length of a drawn secretKey (URL-safe alphabet, 6 bits a character).
pub(crate) const SECRET_KEY_LEN: usize = 32;
/// Length of the per-key salt, in bytes.
pub(crate) const SALT_LEN: usize = 16;

/// The 64 URL-safe characters of RFC 4648 §5: a secretKey can go in a header,
/// a URL or a shell variable without quoting.
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A fresh random appKey: 20 alphanumeric characters from the OS CSPRNG.
pub(crate) fn new_app_key() -> String {
    Alphanumeric.sample_string(&mut OsRng, APP_KEY_LEN)
}

/// A fresh random secretKey: 32 URL-safe characters (192 bits) from the OS CSPRNG.
pub(crate) fn new_secret_key() -> String {
    (0..SECRET_KEY_LEN)
        .map(|_| char::from(URL_SAFE[OsRng.gen_range(0..URL_SAFE.len())]))
        .collect()
}

/// A fresh random salt.
pub(crate) fn new_salt() -> [u8; SALT_LEN] {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    salt
}

/// `HMAC-SHA256(salt, secret_key)`.
pub(crate) fn hash_secret(salt: &[u8], secret_key: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(salt).expect("HMAC takes a key of any length");
    mac.update(secret_key.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Whether `secret_key` hashes to `expected` under `salt`, compared in
/// constant time.
pub(crate) fn secret_matches(salt: &[u8], expected: &[u8], secret_key: &str) -> bool {
    let actual = hash_secret(salt, secret_key);
    bool::from(actual.ct_eq(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_keys_have_the_promised_shape() {
        let app_key = new_app_key();
        assert_eq!(app_key.len(), APP_KEY_LEN);
        assert!(app_key.bytes().all(|b| b.is_ascii_alphanumeric()));
        let secret = new_secret_key();
        assert_eq!(secret.len(), SECRET_KEY_LEN);
        assert!(secret.bytes().all(|b| URL_SAFE.contains(&b)));
        assert_ne!(new_secret_key(), new_secret_key());
        assert_ne!(new_app_key(), new_app_key());
    }

    #[test]
    fn the_hash_depends_on_salt_and_secret() {
        let salt = [7u8; SALT_LEN];
        let hash = hash_secret(&salt, "s3cret");
        assert!(secret_matches(&salt, &hash, "s3cret"));
        assert!(!secret_matches(&salt, &hash, "s3creT"));
        assert!(!secret_matches(&[8u8; SALT_LEN], &hash, "s3cret"));
        assert!(
            !secret_matches(&salt, &hash[..31], "s3cret"),
            "a short stored hash never matches"
        );
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        let hash = hash_secret(b"Jefe", "what do ya want for nothing?");
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }
}
