//! The v2 envelope: a `Symmetric-Key` header (Base64, then RSA PKCS#1 v1.5
//! with implicit rejection) and an upload or value decrypted with K
//! (Base64 or raw, AES-256-CBC, PKCS#7 padding). Any input gives a key or
//! an error, a plaintext or an error, never a panic.
#![no_main]

use std::sync::LazyLock;

use docrec_crypto::envelope::SymmetricKey;
use docrec_crypto::keys::KeyPair;
use libfuzzer_sys::fuzz_target;

static KEY_PAIR: LazyLock<KeyPair> =
    LazyLock::new(|| KeyPair::generate().expect("an RSA key pair"));

fuzz_target!(|input: &[u8]| {
    // The first byte says how much of the rest is the header.
    let Some((&split, rest)) = input.split_first() else {
        return;
    };
    let (header, upload) = rest.split_at((split as usize).min(rest.len()));
    let _ = SymmetricKey::unwrap(&KEY_PAIR, &String::from_utf8_lossy(header));
    let key = SymmetricKey::from_bytes([0x5a; 32]);
    let _ = key.decrypt_upload(upload);
    let _ = key.decrypt_value(&String::from_utf8_lossy(upload));
});
