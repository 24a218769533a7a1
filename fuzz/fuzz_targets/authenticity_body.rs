//! The JSON body of an authenticity check (API.md §4.5): parsed as an
//! object, its plaintext `idType` kept and its encrypted fields decrypted
//! with K (Base64, AES-256-CBC, PKCS#7 padding). Any input gives the
//! fields or an error, never a panic.
#![no_main]

use docrec_crypto::envelope::SymmetricKey;
use libfuzzer_sys::fuzz_target;

/// The fields the server reads encrypted (`http/id_card.rs`).
const ENCRYPTED: [&str; 5] = [
    "name",
    "residentNumber",
    "issueDate",
    "driverLicenseNumber",
    "serialNum",
];

fuzz_target!(|input: &[u8]| {
    let key = SymmetricKey::from_bytes([0x5a; 32]);
    let _ = key.open_json_body(input, &["idType"], &ENCRYPTED);
});
