//! The v2 envelope of API.md §4.3.
//!
//! Takes: the appKey's RSA key pair ([`KeyPair`]) and a request's
//! `Symmetric-Key` header (Base64 of a 32-byte key K wrapped with RSA
//! PKCS#1 v1.5). Gives: K as a [`SymmetricKey`], which decrypts the
//! uploaded image and request fields and encrypts answer values with
//! AES-256-CBC, PKCS#7 padding and IV = K[0..16], as the hosted service
//! does.
//!
//! # The Marvin attack (RUSTSEC-2023-0071)
//!
//! PKCS#1 v1.5 decryption answers whether a ciphertext's padding was valid;
//! if an attacker can tell valid from invalid, by the answer or by its
//! timing, enough queries decrypt any ciphertext or forge a signature with
//! the key (Bleichenbacher's attack; Marvin is its timing form). Our
//! defences:
//!
//! - **A fixed `rsa`.** Every `rsa` release up to 0.9.10 and the 0.10
//!   release candidates did arithmetic with `num-bigint` in variable time
//!   (the advisory still listed no patched version on 2026-09-12). `rsa`
//!   0.10.0 (2026-11-08) computes with `crypto-bigint` in constant time and
//!   implements PKCS#1 v1.5 *implicit rejection*
//!   (draft-irtf-cfrg-rsa-guidance): an invalid padding does not fail but
//!   gives a synthetic message derived from the private key and the
//!   ciphertext, after the same work as a valid one. We use 0.10.0 with
//!   blinding from the system RNG.
//! - **One answer.** Whatever is wrong with a `Symmetric-Key` (not Base64,
//!   wrong length, bad padding, a message that is not 32 bytes), the
//!   caller gets the same [`EnvelopeError::InvalidSymmetricKey`]. The
//!   only decision taken on the decrypted message is its length, and with
//!   implicit rejection a bad padding gives a message of a pseudo-random
//!   length, so that length says nothing about the padding. A synthetic
//!   message that happens to be 32 bytes long is a wrong K: the image then
//!   fails to decrypt ([`EnvelopeError::InvalidEncryptedData`]), as it
//!   would with any wrong key.
//! - **Zeroized keys.** K lives in a [`Zeroizing`] buffer and is wiped
//!   when dropped; the private key is wiped by `rsa` itself.

use std::collections::BTreeMap;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::keys::{KeyError, KeyPair};

/// The length of K in bytes (AES-256).
pub const SYMMETRIC_KEY_LEN: usize = 32;

type CbcEncrypt = cbc::Encryptor<aes::Aes256>;
type CbcDecrypt = cbc::Decryptor<aes::Aes256>;

/// What can be wrong with an envelope (the client's fault).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    /// The `Symmetric-Key` does not decrypt to a 32-byte key (4000302).
    #[error("the Symmetric-Key does not decrypt to a 32-byte key")]
    InvalidSymmetricKey,
    /// The image or a field does not decrypt with K (4000303).
    #[error("the data does not decrypt with the symmetric key")]
    InvalidEncryptedData,
}

/// What can be wrong with a JSON body of encrypted fields.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BodyError {
    /// Not a JSON object, or a field read that is not a string (4000001).
    #[error("the body is not a JSON object of string fields")]
    Malformed,
    /// A field that does not decrypt with K (4000303).
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
}

/// The request's key K: AES-256 key, and its first 16 bytes the IV.
pub struct SymmetricKey {
    key: Zeroizing<[u8; SYMMETRIC_KEY_LEN]>,
}

impl std::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SymmetricKey(..)")
    }
}

impl SymmetricKey {
    /// Unwraps a `Symmetric-Key` header value with the key pair's private
    /// key. Every failure is the same [`EnvelopeError::InvalidSymmetricKey`]
    /// (see the module's notes on the Marvin attack).
    pub fn unwrap(key_pair: &KeyPair, header: &str) -> Result<SymmetricKey, EnvelopeError> {
        let wrapped = BASE64
            .decode(header.trim())
            .map_err(|_| EnvelopeError::InvalidSymmetricKey)?;
        let message = Zeroizing::new(
            key_pair
                .decrypt_pkcs1v15(&wrapped)
                .map_err(|_| EnvelopeError::InvalidSymmetricKey)?,
        );
        let key: [u8; SYMMETRIC_KEY_LEN] = message
            .as_slice()
            .try_into()
            .map_err(|_| EnvelopeError::InvalidSymmetricKey)?;
        Ok(SymmetricKey::from_bytes(key))
    }

    /// K from its bytes (a client makes its own; docrec's tests do too).
    pub fn from_bytes(key: [u8; SYMMETRIC_KEY_LEN]) -> SymmetricKey {
        SymmetricKey {
            key: Zeroizing::new(key),
        }
    }

    /// A fresh random K, as a client makes one for each request.
    pub fn generate() -> Result<SymmetricKey, getrandom::Error> {
        let mut key = Zeroizing::new([0u8; SYMMETRIC_KEY_LEN]);
        getrandom::fill(key.as_mut_slice())?;
        Ok(SymmetricKey { key })
    }

    /// The client's side of [`SymmetricKey::unwrap`]: the `Symmetric-Key`
    /// header for this K, wrapped (RSA PKCS#1 v1.5) with the public key
    /// `GET .../public-keys/{serviceName}` answered (Base64 DER
    /// SubjectPublicKeyInfo).
    pub fn wrap_for(&self, public_key_base64: &str) -> Result<String, KeyError> {
        use rsa::pkcs8::DecodePublicKey;

        let der = BASE64
            .decode(public_key_base64.trim())
            .map_err(|e| KeyError::Decode(e.to_string()))?;
        let public = rsa::PublicKey::from_public_key_der(&der)
            .map_err(|e| KeyError::Decode(e.to_string()))?;
        let wrapped = public
            .pkcs1v15_encrypt(self.key.as_slice())
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(BASE64.encode(wrapped))
    }

    fn iv(&self) -> &[u8] {
        &self.key[..16]
    }

    /// AES-256-CBC with PKCS#7 padding, IV = K[0..16].
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        CbcEncrypt::new_from_slices(self.key.as_slice(), self.iv())
            .expect("a 32-byte key and a 16-byte IV")
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext)
    }

    /// The inverse of [`SymmetricKey::encrypt`]; a length that is not a
    /// whole number of blocks, or a bad padding, is
    /// [`EnvelopeError::InvalidEncryptedData`].
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
            return Err(EnvelopeError::InvalidEncryptedData);
        }
        CbcDecrypt::new_from_slices(self.key.as_slice(), self.iv())
            .expect("a 32-byte key and a 16-byte IV")
            .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| EnvelopeError::InvalidEncryptedData)
    }

    /// Decrypts an uploaded file part: raw ciphertext bytes, or the same
    /// as Base64 text (API.md accepts both). A part made only of Base64
    /// characters is read as Base64 first; raw ciphertext of more than a
    /// block is all Base64 characters with negligible probability.
    pub fn decrypt_upload(&self, part: &[u8]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        if let Some(decoded) = base64_text(part) {
            if let Ok(plain) = self.decrypt(&decoded) {
                return Ok(plain);
            }
        }
        self.decrypt(part)
    }

    /// Encrypts an answer value: Base64 of its AES-CBC ciphertext.
    pub fn encrypt_value(&self, value: &str) -> String {
        self.encrypt_to_base64(value.as_bytes())
    }

    /// Encrypts bytes for an answer (a file): Base64 of their AES-CBC
    /// ciphertext.
    pub fn encrypt_to_base64(&self, plaintext: &[u8]) -> String {
        BASE64.encode(self.encrypt(plaintext))
    }

    /// Decrypts a request field sent as [`SymmetricKey::encrypt_value`]
    /// makes it; not Base64, not decryptable or not UTF-8 is
    /// [`EnvelopeError::InvalidEncryptedData`].
    pub fn decrypt_value(&self, value: &str) -> Result<Zeroizing<String>, EnvelopeError> {
        let ciphertext = BASE64
            .decode(value.trim())
            .map_err(|_| EnvelopeError::InvalidEncryptedData)?;
        let plain = self.decrypt(&ciphertext)?;
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| EnvelopeError::InvalidEncryptedData)
    }
}

impl SymmetricKey {
    /// Reads a v2 JSON request body (the authenticity check of API.md
    /// §4.5): the `plaintext` fields as sent and the `encrypted` ones
    /// decrypted with K ([`SymmetricKey::decrypt_value`]), each by its
    /// name. Other fields are ignored; a field that is `null` or blank is
    /// left out, for the caller to require.
    pub fn open_json_body(
        &self,
        body: &[u8],
        plaintext: &[&str],
        encrypted: &[&str],
    ) -> Result<BTreeMap<String, Zeroizing<String>>, BodyError> {
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(body).map_err(|_| BodyError::Malformed)?;
        let mut fields = BTreeMap::new();
        for (name, value) in &object {
            let is_plaintext = plaintext.contains(&name.as_str());
            if !is_plaintext && !encrypted.contains(&name.as_str()) {
                continue;
            }
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) if text.trim().is_empty() => continue,
                serde_json::Value::String(text) => text,
                _ => return Err(BodyError::Malformed),
            };
            let value = if is_plaintext {
                Zeroizing::new(text.clone())
            } else {
                self.decrypt_value(text)?
            };
            fields.insert(name.clone(), value);
        }
        Ok(fields)
    }
}

/// The bytes a part decodes to when it is Base64 text (white space
/// allowed), else `None`.
fn base64_text(part: &[u8]) -> Option<Vec<u8>> {
    let is_text = part.iter().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') || b.is_ascii_whitespace()
    });
    if !is_text {
        return None;
    }
    let compact: Vec<u8> = part
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    BASE64.decode(compact).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::test_key_pair;

    fn key() -> SymmetricKey {
        SymmetricKey::from_bytes(*b"0123456789abcdef0123456789ABCDEF")
    }

    #[test]
    fn matches_a_known_aes_256_cbc_vector() {
        // openssl enc -aes-256-cbc -K <hex of the key> -iv <hex of its
        // first 16 bytes> <<< -n 'hello'  | base64
        assert_eq!(key().encrypt_value("hello"), "yYn9S5Twas8InQvvVVZCGA==");
        assert_eq!(
            key()
                .decrypt_value("yYn9S5Twas8InQvvVVZCGA==")
                .unwrap()
                .as_str(),
            "hello"
        );
    }

    #[test]
    fn uploads_decrypt_raw_or_as_base64_text() {
        let image = b"\xff\xd8\xff\xe0 not really a jpeg".repeat(20);
        let raw = key().encrypt(&image);
        assert_eq!(key().decrypt_upload(&raw).unwrap().as_slice(), image);
        let mut text = BASE64.encode(&raw).into_bytes();
        text.extend_from_slice(b"\r\n");
        assert_eq!(key().decrypt_upload(&text).unwrap().as_slice(), image);
    }

    #[test]
    fn wrong_keys_and_damaged_data_are_invalid_encrypted_data() {
        let raw = key().encrypt(b"secret");
        let other = SymmetricKey::from_bytes([7; 32]);
        assert_eq!(
            other.decrypt(&raw).unwrap_err(),
            EnvelopeError::InvalidEncryptedData
        );
        assert_eq!(
            key().decrypt(&raw[..15]).unwrap_err(),
            EnvelopeError::InvalidEncryptedData
        );
        assert_eq!(
            key().decrypt(b"").unwrap_err(),
            EnvelopeError::InvalidEncryptedData
        );
        assert_eq!(
            key().decrypt_value("not base64!").unwrap_err(),
            EnvelopeError::InvalidEncryptedData
        );
    }

    #[test]
    fn a_generated_key_wrapped_for_the_public_key_unwraps_with_the_private_one() {
        let pair = test_key_pair();
        let key = SymmetricKey::generate().unwrap();
        assert_ne!(*key.key, *SymmetricKey::generate().unwrap().key);
        let header = key.wrap_for(&pair.public_key_base64().unwrap()).unwrap();
        assert_eq!(*SymmetricKey::unwrap(pair, &header).unwrap().key, *key.key);
        assert!(matches!(
            key.wrap_for("not a key"),
            Err(KeyError::Decode(_))
        ));
    }

    #[test]
    fn a_json_body_gives_its_plaintext_and_decrypted_fields_and_ignores_the_rest() {
        let body = serde_json::json!({
            "idType": "resident",
            "name": key().encrypt_value("홍길동"),
            "issueDate": "",
            "serialNum": null,
            "unknown": 7,
        });
        let fields = key()
            .open_json_body(
                body.to_string().as_bytes(),
                &["idType"],
                &["name", "issueDate", "serialNum"],
            )
            .unwrap();
        let read: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        assert_eq!(read, [("idType", "resident"), ("name", "홍길동")]);

        let open = |body: &str| key().open_json_body(body.as_bytes(), &["idType"], &["name"]);
        for malformed in ["", "[1]", "{\"idType\": 1}", "{\"name\": true}", "\u{ff}{}"] {
            assert_eq!(
                open(malformed).unwrap_err(),
                BodyError::Malformed,
                "{malformed:?}"
            );
        }
        assert_eq!(
            open("{\"name\": \"bm90IGl0\"}").unwrap_err(),
            BodyError::Envelope(EnvelopeError::InvalidEncryptedData)
        );
    }

    #[test]
    fn a_key_wrapped_by_openssl_unwraps_and_every_bad_one_is_the_same_error() {
        let pair = test_key_pair();
        let wrapped = include_str!("../testdata/wrapped-k.b64");
        let unwrapped = SymmetricKey::unwrap(pair, wrapped).unwrap();
        assert_eq!(*unwrapped.key, [0x2a; 32]);

        // A valid padding around a 16-byte key.
        let short = BASE64.encode(pair.public_key().pkcs1v15_encrypt(&[0x2a; 16]).unwrap());
        // A bad padding (implicit rejection gives a synthetic message).
        let mut flipped = BASE64.decode(wrapped.trim()).unwrap();
        flipped[100] ^= 1;
        for bad in [
            "".to_owned(),
            "not base64".to_owned(),
            BASE64.encode([1u8; 16]),
            BASE64.encode([0xffu8; 256]),
            short,
            BASE64.encode(flipped),
        ] {
            assert_eq!(
                SymmetricKey::unwrap(pair, &bad).unwrap_err(),
                EnvelopeError::InvalidSymmetricKey,
                "{bad}"
            );
        }
    }
}
