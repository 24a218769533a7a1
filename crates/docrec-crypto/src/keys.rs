//! RSA-2048 key pairs: one per appKey, service and version (API.md §4.3).
//!
//! Takes: nothing (a new pair from the system RNG) or a stored PKCS#8 DER
//! private key. Gives: the public key as clients fetch it (Base64 DER
//! SubjectPublicKeyInfo), the private key as PKCS#8 DER to be sealed
//! before it is stored, and PKCS#1 v1.5 decryption for the envelope.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use getrandom::SysRng;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use zeroize::Zeroizing;

/// The modulus size of every key docrec makes, as the hosted service's.
pub const KEY_BITS: usize = 2048;

/// A key pair could not be made, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("could not generate an RSA key pair: {0}")]
    Generate(String),
    #[error("a stored private key is not an RSA PKCS#8 key: {0}")]
    Decode(String),
    #[error("could not encode a key: {0}")]
    Encode(String),
}

/// An RSA key pair; the private half is wiped from memory when dropped.
pub struct KeyPair {
    private: rsa::PrivateKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyPair(..)")
    }
}

impl KeyPair {
    /// A new RSA-2048 pair (public exponent 65537) from the system RNG.
    /// Takes tens to hundreds of milliseconds: run it off the async
    /// workers.
    pub fn generate() -> Result<KeyPair, KeyError> {
        let private = rsa::PrivateKey::new(&mut SysRng, KEY_BITS)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Ok(KeyPair { private })
    }

    /// Reads a private key written by [`KeyPair::to_pkcs8_der`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<KeyPair, KeyError> {
        let private =
            rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| KeyError::Decode(e.to_string()))?;
        Ok(KeyPair { private })
    }

    /// The private key as PKCS#8 DER, in a buffer wiped when dropped.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let document = self
            .private
            .to_pkcs8_der()
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The public key as `GET .../public-keys/{serviceName}` answers it:
    /// Base64 of its DER SubjectPublicKeyInfo.
    pub fn public_key_base64(&self) -> Result<String, KeyError> {
        let document = self
            .private
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(BASE64.encode(document.as_bytes()))
    }

    /// PKCS#1 v1.5 decryption with implicit rejection and blinding (see
    /// [`crate::envelope`]): a bad padding gives a synthetic message, not
    /// an error; errors are only for what is public (a ciphertext of the
    /// wrong size).
    pub(crate) fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Vec<u8>, rsa::Error> {
        self.private
            .pkcs1v15_decrypt_with_rng(&mut SysRng, ciphertext)
    }

    /// The public half, to wrap a key as a client does (tests).
    #[cfg(test)]
    pub(crate) fn public_key(&self) -> rsa::PublicKey {
        self.private.to_public_key()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rsa::pkcs8::DecodePublicKey;
    use std::sync::OnceLock;

    /// The key of `testdata/test-key.pem`, made by OpenSSL.
    pub(crate) fn test_key_pair() -> &'static KeyPair {
        static PAIR: OnceLock<KeyPair> = OnceLock::new();
        PAIR.get_or_init(|| {
            let pem = include_str!("../testdata/test-key.pem");
            KeyPair {
                private: rsa::PrivateKey::from_pkcs8_pem(pem).unwrap(),
            }
        })
    }

    #[test]
    fn a_new_pair_is_2048_bits_and_survives_pkcs8() {
        let pair = KeyPair::generate().unwrap();
        let der = pair.to_pkcs8_der().unwrap();
        let again = KeyPair::from_pkcs8_der(&der).unwrap();
        assert_eq!(
            pair.public_key_base64().unwrap(),
            again.public_key_base64().unwrap()
        );
        let spki = BASE64.decode(pair.public_key_base64().unwrap()).unwrap();
        let public = rsa::PublicKey::from_public_key_der(&spki).unwrap();
        use rsa::traits::PublicKeyParts;
        assert_eq!(public.size(), KEY_BITS / 8);
        assert!(KeyPair::from_pkcs8_der(&der[..100]).is_err());
    }
}
