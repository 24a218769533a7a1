//! Black-box tests of the v2 envelope (API.md §4.3) against a real
//! `docrec serve`.
//!
//! The client here is written from API.md alone: OpenSSL's command line
//! does its RSA (PKCS#1 v1.5 wrap of K) and AES (256-bit CBC, IV = K[0..16]),
//! never docrec's own crypto code.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{
    admin, docrec, failure_envelope, image_form, shared, Answer, Member, Multipart, Server,
    APP_KEY, SECRET,
};
use docrec_synth::Level;
use serde_json::Value;

/// A clean synthetic card that every version reads right.
const CARD_SEED: u64 = 2;

/// Runs `openssl ARGS` with `input` on stdin; gives stdout.
fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running openssl (Debian's openssl package)");
    // Written from another thread: openssl writes while it reads, and a
    // full stdout pipe would block it (and us) otherwise.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("openssl's output");
    writer
        .join()
        .expect("the writer thread")
        .expect("writing to openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    String::from_utf8(openssl(&["base64", "-A"], bytes)).unwrap()
}

fn unbase64(text: &str) -> Vec<u8> {
    openssl(&["base64", "-d", "-A"], text.as_bytes())
}

/// AES-256-CBC, PKCS#7 padding, IV = the key's first 16 bytes.
fn aes(key: &[u8; 32], data: &[u8], decrypt: bool) -> Vec<u8> {
    let (k, iv) = (hex(key), hex(&key[..16]));
    let mut args = vec!["enc", "-aes-256-cbc", "-K", &k, "-iv", &iv];
    if decrypt {
        args.push("-d");
    }
    openssl(&args, data)
}

/// A client's view of one appKey's public key.
struct PublicKey {
    /// Base64 DER SubjectPublicKeyInfo.
    spki: String,
    version: String,
}

impl PublicKey {
    /// Wraps `key` (any length, to test bad ones) with PKCS#1 v1.5: the
    /// `Symmetric-Key` header.
    fn wrap(&self, key: &[u8]) -> String {
        let der = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(der.path(), unbase64(&self.spki)).unwrap();
        let path = der.path().to_str().unwrap();
        base64(&openssl(
            &[
                "pkeyutl",
                "-encrypt",
                "-pubin",
                "-keyform",
                "DER",
                "-inkey",
                path,
                "-pkeyopt",
                "rsa_padding_mode:pkcs1",
            ],
            key,
        ))
    }
}

fn public_key_url(server: &Server, app_key: &str, service: &str) -> String {
    server.url(&format!("/v2.0/appkeys/{app_key}/public-keys/{service}"))
}

/// Who calls the v2 routes: a version, an appKey and the version's
/// authentication header.
struct Caller {
    version: &'static str,
    app_key: String,
    header: (&'static str, String),
}

impl Caller {
    /// The bootstrap appKey on v2.0, with its secretKey.
    fn bootstrap() -> Caller {
        Caller {
            version: "v2.0",
            app_key: APP_KEY.to_owned(),
            header: ("Authorization", SECRET.to_owned()),
        }
    }

    /// A new member whose service use is approved, and the member on v2.1
    /// with its bearer token.
    fn approved_member(server: &Server) -> (Member, Caller) {
        let member = Member::new(server, "member");
        for step in ["submit", "approve"] {
            admin(server, &["service", step, "--app-key", &member.app_key]);
        }
        let bearer = Caller {
            version: "v2.1",
            app_key: member.app_key.clone(),
            header: (
                "X-NHN-Authorization",
                format!("Bearer {}", member.token(server)),
            ),
        };
        (member, bearer)
    }

    /// `route` of the caller's appKey and version.
    fn url(&self, server: &Server, route: &str) -> String {
        server.url(&format!(
            "/{}/appkeys/{}/{route}",
            self.version, self.app_key
        ))
    }

    /// A request to `route` with the caller's authentication header.
    fn post(&self, server: &Server, route: &str) -> reqwest::blocking::RequestBuilder {
        let (name, value) = &self.header;
        server
            .client
            .post(self.url(server, route))
            .header(*name, value)
    }
}

fn fetch_public_key(server: &Server, service: &str) -> PublicKey {
    fetch_public_key_as(server, &Caller::bootstrap(), service)
}

fn fetch_public_key_as(server: &Server, caller: &Caller, service: &str) -> PublicKey {
    let (name, value) = &caller.header;
    let answer = server.send(
        server
            .client
            .get(caller.url(server, &format!("public-keys/{service}")))
            .header(*name, value),
    );
    let result = answer.assert_success();
    PublicKey {
        spki: result["key"].as_str().unwrap().to_owned(),
        version: result["version"].as_str().unwrap().to_owned(),
    }
}

/// POSTs `form` to the v2 credit-card route with the given envelope headers.
fn post_card_v2(
    server: &Server,
    version: Option<&str>,
    symmetric_key: Option<&str>,
    form: Multipart,
) -> Answer {
    post_card_v2_as(server, &Caller::bootstrap(), version, symmetric_key, form)
}

fn post_card_v2_as(
    server: &Server,
    caller: &Caller,
    version: Option<&str>,
    symmetric_key: Option<&str>,
    form: Multipart,
) -> Answer {
    let mut request = caller.post(server, "credit-card");
    if let Some(version) = version {
        request = request.header("X-Key-Version", version);
    }
    if let Some(symmetric_key) = symmetric_key {
        request = request.header("Symmetric-Key", symmetric_key);
    }
    server.send(form.attach(request))
}

/// The v2 answer with its encrypted values decrypted, for comparing with v1.
fn decrypted_card(result: &Value, key: &[u8; 32]) -> Value {
    let open = |v: &Value| {
        let plain = aes(key, &unbase64(v.as_str().expect("a Base64 string")), true);
        Value::String(String::from_utf8(plain).unwrap())
    };
    let mut result = result.clone();
    for group in result["cardNums"].as_array_mut().unwrap() {
        group["value"] = open(&group["value"]);
    }
    result["totalCardNum"] = open(&result["totalCardNum"]);
    result["validThru"]["value"] = open(&result["validThru"]["value"]);
    result
}

#[test]
fn public_keys_are_rsa_2048_spki_per_service_by_get_or_post() {
    let server = shared();
    let card = fetch_public_key(&server, "credit-card");
    let id = fetch_public_key(&server, "id-card");
    assert_eq!(card.version, "1");
    assert_ne!(card.spki, id.spki);
    let text = openssl(
        &["pkey", "-pubin", "-inform", "DER", "-noout", "-text"],
        &unbase64(&card.spki),
    );
    assert!(
        String::from_utf8_lossy(&text).contains("Public-Key: (2048 bit)"),
        "{}",
        String::from_utf8_lossy(&text)
    );
    // The same key again, and by POST.
    let again = server.send(
        server
            .client
            .post(public_key_url(&server, APP_KEY, "credit-card"))
            .header("Authorization", SECRET),
    );
    assert_eq!(again.assert_success()["key"], card.spki.as_str());
    assert_eq!(fetch_public_key(&server, "credit-card").spki, card.spki);

    let get = |app_key: &str, service: &str, secret: Option<&str>| {
        let mut request = server.client.get(public_key_url(&server, app_key, service));
        if let Some(secret) = secret {
            request = request.header("Authorization", secret);
        }
        server.send(request)
    };
    get(APP_KEY, "business", Some(SECRET)).assert_failure(4000001);
    get(APP_KEY, "credit-card", None).assert_failure(4000005);
    get(APP_KEY, "credit-card", Some("wrong")).assert_failure(4010001);
    get("noSuchAppKey", "credit-card", Some(SECRET)).assert_failure(4010001);
}

#[test]
fn an_encrypted_card_reads_as_v1_reads_it_with_exactly_the_listed_values_encrypted() {
    let server = shared();
    let card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();
    let plain = server.post_image(&card.encoded, &card.truth.file);
    let expected = plain.assert_success();
    assert_eq!(expected["totalCardNum"], card.truth.total_card_num);

    let public = fetch_public_key(&server, "credit-card");
    let key: [u8; 32] = *b"a client's own key: 32 bytes....";
    let encrypted = aes(&key, &card.encoded, false);
    // Raw bytes, and the same as Base64 text.
    for body in [encrypted.clone(), base64(&encrypted).into_bytes()] {
        let answer = post_card_v2(
            &server,
            Some(&public.version),
            Some(&public.wrap(&key)),
            image_form(&body, "card.bin"),
        );
        let result = answer.assert_success();
        assert_ne!(result["totalCardNum"], card.truth.total_card_num);
        assert_ne!(
            result["cardNums"][0]["value"],
            card.truth.card_nums[0].as_str()
        );
        assert_eq!(&decrypted_card(result, &key), expected);
    }
}

#[test]
fn every_envelope_error_has_its_code() {
    let server = shared();
    let card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();
    let public = fetch_public_key(&server, "credit-card");
    let key = [7u8; 32];
    let wrapped = public.wrap(&key);
    let form = || image_form(&aes(&key, &card.encoded, false), "card.bin");

    post_card_v2(&server, None, Some(&wrapped), form()).assert_failure(4000005);
    post_card_v2(&server, Some(&public.version), None, form()).assert_failure(4000005);
    post_card_v2(&server, Some("99"), Some(&wrapped), form()).assert_failure(4000301);
    post_card_v2(&server, Some("latest"), Some(&wrapped), form()).assert_failure(4000301);
    for bad_key in [
        "not base64 at all".to_owned(),
        public.wrap(&key[..16]),
        public.wrap(&[7u8; 33]),
    ] {
        post_card_v2(&server, Some(&public.version), Some(&bad_key), form())
            .assert_failure(4000302);
    }
    // A ciphertext whose padding is bad decrypts, under implicit rejection,
    // to a synthetic message of a pseudo-random length (docrec-crypto's
    // envelope module): 4000302, or 4000303 when that length happens to be
    // 32 (one server key in 246 if the length is uniform over the 0-245
    // bytes a 2048-bit key allows, as the draft specifies; not counted
    // here), as with any wrong key.
    let garbage = post_card_v2(
        &server,
        Some(&public.version),
        Some(&base64(&[1u8; 256])),
        form(),
    );
    assert!(
        [failure_envelope(4000302), failure_envelope(4000303)].contains(&garbage.body),
        "{}",
        garbage.body
    );
    assert_eq!(garbage.status, 200);
    // Encrypted with another key, cut short, or not encrypted at all.
    let other = aes(&[9u8; 32], &card.encoded, false);
    let short = &aes(&key, &card.encoded, false)[..1000];
    for body in [&other[..], short, &card.encoded[..]] {
        post_card_v2(
            &server,
            Some(&public.version),
            Some(&wrapped),
            image_form(body, "card.bin"),
        )
        .assert_failure(4000303);
    }
    // Decrypts to nothing; decrypts to something that is not an image.
    for (plain, code) in [(&b""[..], 4000004), (&b"plain text"[..], 4000003)] {
        post_card_v2(
            &server,
            Some(&public.version),
            Some(&wrapped),
            image_form(&aes(&key, plain, false), "card.bin"),
        )
        .assert_failure(code);
    }
    // Authentication still comes first.
    let answer = server.send(
        form().attach(
            server
                .client
                .post(server.url(&format!("/v2.0/appkeys/{APP_KEY}/credit-card")))
                .header("X-Key-Version", &public.version)
                .header("Symmetric-Key", &wrapped),
        ),
    );
    answer.assert_failure(4000005);
}

#[test]
fn rotated_keys_keep_working_for_the_grace_period_and_survive_a_master_key_rotation() {
    // On SQLite: the master key here is the data dir's key file.
    let server = Server::start_on_sqlite(&[("DOCREC_KEY_GRACE_SECONDS", "3")]);
    let card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();
    let key = [5u8; 32];
    let form = || image_form(&aes(&key, &card.encoded, false), "card.bin");
    let first = fetch_public_key(&server, "credit-card");

    let printed = admin(&server, &["rotate-keys", "--service", "credit-card"]);
    assert!(
        printed.contains(&format!("{APP_KEY} credit-card: version 2")),
        "{printed}"
    );
    let second = fetch_public_key(&server, "credit-card");
    assert_eq!(second.version, "2");
    assert_ne!(second.spki, first.spki);
    // Both work during the grace period.
    for public in [&first, &second] {
        post_card_v2(
            &server,
            Some(&public.version),
            Some(&public.wrap(&key)),
            form(),
        )
        .assert_success();
    }

    // A new master key: the key file is replaced, the ring re-wrapped, and
    // keys sealed before still open (a rotation run after it opens the
    // ring with the new master key only).
    let master = server.data_dir().join("master.key");
    let before = std::fs::read(&master).unwrap();
    let printed = admin(&server, &["rotate-master-key"]);
    assert!(printed.contains("re-wrapped 1 data keys"), "{printed}");
    assert_ne!(std::fs::read(&master).unwrap(), before);
    assert!(!server.data_dir().join("master.key.new").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&master).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    admin(&server, &["rotate-keys", "--service", "credit-card"]);
    let third = fetch_public_key(&server, "credit-card");
    assert_eq!(third.version, "3");
    post_card_v2(&server, Some("3"), Some(&third.wrap(&key)), form()).assert_success();

    // After the grace period, only the newest works.
    std::thread::sleep(Duration::from_secs(4));
    post_card_v2(
        &server,
        Some(&first.version),
        Some(&first.wrap(&key)),
        form(),
    )
    .assert_failure(4000301);
    post_card_v2(
        &server,
        Some(&second.version),
        Some(&second.wrap(&key)),
        form(),
    )
    .assert_failure(4000301);
    post_card_v2(&server, Some("3"), Some(&third.wrap(&key)), form()).assert_success();
}

#[test]
fn nothing_sensitive_is_stored_or_logged_in_plaintext() {
    let server = Server::start(&[("DOCREC_LOG", "debug")]);
    let card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();
    let public = fetch_public_key(&server, "credit-card");
    let key = [3u8; 32];
    post_card_v2(
        &server,
        Some(&public.version),
        Some(&public.wrap(&key)),
        image_form(&aes(&key, &card.encoded, false), "card.bin"),
    )
    .assert_success();
    let number = card.truth.total_card_num.as_bytes();
    let everything = server.stored_and_logged();
    assert!(!everything.is_empty());
    assert!(
        !everything.windows(number.len()).any(|w| w == number),
        "the card number is in the data dir or the logs"
    );
    // The private keys are sealed: the binary OID of rsaEncryption, which
    // every DER RSA key carries, is nowhere (public keys are stored as
    // Base64 text).
    let rsa_encryption_oid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    assert!(
        !everything.windows(9).any(|w| w == rsa_encryption_oid),
        "a DER RSA key is in the data dir or the logs"
    );
}

// --- ID cards (API.md §4.4, §4.5) ------------------------------------------

/// Seeds of clean synthetic cards that docrec reads right (tests/id_card.rs).
const ID_SEEDS: [u64; 6] = [1, 2, 3, 4, 5, 6];

/// The first of [`ID_SEEDS`] whose card is of `id_type`.
fn id_card_of(id_type: &str) -> docrec_synth::SyntheticIdCard {
    ID_SEEDS
        .iter()
        .map(|seed| docrec_synth::id_card(*seed, Level::Clean).unwrap())
        .find(|card| card.truth.id_type == id_type)
        .unwrap_or_else(|| panic!("no {id_type} card among the seeds"))
}

fn truth_value<'a>(card: &'a docrec_synth::SyntheticIdCard, key: &str) -> &'a str {
    card.truth
        .key_values
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| kv.value.as_str())
        .unwrap()
}

/// POSTs to a v2 ID-card route (`id-card`, `id-card/stand-alone`) with the
/// envelope; gives the answer and its Request-Key header.
fn post_id_card(
    server: &Server,
    route: &str,
    key: &[u8; 32],
    image: &[u8],
) -> (Answer, Option<String>) {
    post_id_card_as(server, &Caller::bootstrap(), route, key, image)
}

fn post_id_card_as(
    server: &Server,
    caller: &Caller,
    route: &str,
    key: &[u8; 32],
    image: &[u8],
) -> (Answer, Option<String>) {
    let public = fetch_public_key_as(server, caller, "id-card");
    let request = caller
        .post(server, route)
        .header("X-Key-Version", &public.version)
        .header("Symmetric-Key", public.wrap(key));
    let response = image_form(&aes(key, image, false), "id.bin")
        .attach(request)
        .send()
        .unwrap();
    let request_key = response
        .headers()
        .get("Request-Key")
        .map(|v| v.to_str().unwrap().to_owned());
    let status = response.status().as_u16();
    let body: Value = serde_json::from_str(&response.text().unwrap()).unwrap();
    (Answer { status, body }, request_key)
}

/// An authenticity check: `fields` (key, plaintext value) are encrypted as
/// API.md §4.5 says; `request_key` is sent when given.
fn check_authenticity(
    server: &Server,
    id_type: &str,
    fields: &[(&str, &str)],
    request_key: Option<&str>,
) -> Answer {
    check_authenticity_as(server, &Caller::bootstrap(), id_type, fields, request_key)
}

fn check_authenticity_as(
    server: &Server,
    caller: &Caller,
    id_type: &str,
    fields: &[(&str, &str)],
    request_key: Option<&str>,
) -> Answer {
    let public = fetch_public_key_as(server, caller, "id-card");
    let key = [11u8; 32];
    let mut body = serde_json::json!({ "idType": id_type });
    for (name, value) in fields {
        body[*name] = Value::String(base64(&aes(&key, value.as_bytes(), false)));
    }
    let mut request = caller
        .post(server, "id-card/authenticity")
        .header("X-Key-Version", &public.version)
        .header("Symmetric-Key", public.wrap(&key))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(request_key) = request_key {
        request = request.header("Request-Key", request_key);
    }
    server.send(request)
}

/// The ID card's answer with every value decrypted.
fn decrypted_id_card(result: &Value, key: &[u8; 32]) -> Value {
    let mut result = result.clone();
    for kv in result["keyValues"].as_array_mut().unwrap() {
        let plain = aes(key, &unbase64(kv["value"].as_str().unwrap()), true);
        kv["value"] = Value::String(String::from_utf8(plain).unwrap());
    }
    result
}

#[test]
fn an_encrypted_id_card_reads_as_the_cli_reads_it_and_only_id_card_gives_a_request_key() {
    let server = shared();
    let card = id_card_of("resident");
    let file = tempfile::Builder::new()
        .suffix(&format!(".{}", card.extension))
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), &card.encoded).unwrap();
    let cli = docrec()
        .args(["recognize", "id-card", "--json"])
        .arg(file.path())
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let expected = &cli["result"];
    assert_eq!(
        expected["keyValues"][1]["value"],
        truth_value(&card, "residentNumber")
    );

    let key = [21u8; 32];
    let (answer, request_key) = post_id_card(&server, "id-card", &key, &card.encoded);
    let result = answer.assert_success();
    assert_eq!(result["idType"], "resident");
    for kv in result["keyValues"].as_array().unwrap() {
        assert!(
            !kv["value"]
                .as_str()
                .unwrap()
                .contains(truth_value(&card, "name")),
            "{kv}"
        );
    }
    assert_eq!(&decrypted_id_card(result, &key), expected);
    let request_key = request_key.expect("a Request-Key header");
    assert!(
        request_key.len() >= 32 && request_key.bytes().all(|b| b.is_ascii_hexdigit()),
        "{request_key}"
    );

    let (answer, request_key) = post_id_card(&server, "id-card/stand-alone", &key, &card.encoded);
    assert_eq!(&decrypted_id_card(answer.assert_success(), &key), expected);
    assert_eq!(request_key, None);
}

/// A box's left, top, right and bottom.
fn box_bounds(bbox: &Value) -> (i64, i64, i64, i64) {
    let coordinate = |name: &str| bbox[name].as_i64().unwrap();
    let xs = [
        coordinate("x1"),
        coordinate("x2"),
        coordinate("x3"),
        coordinate("x4"),
    ];
    let ys = [
        coordinate("y1"),
        coordinate("y2"),
        coordinate("y3"),
        coordinate("y4"),
    ];
    (
        *xs.iter().min().unwrap(),
        *ys.iter().min().unwrap(),
        *xs.iter().max().unwrap(),
        *ys.iter().max().unwrap(),
    )
}

#[test]
fn masking_covers_the_last_six_digits_of_the_resident_number_and_nothing_else() {
    let server = shared();
    let key = [31u8; 32];
    for id_type in ["resident", "driver"] {
        let card = id_card_of(id_type);
        let number = truth_value(&card, "residentNumber");
        let (answer, _) = post_id_card(
            &server,
            "id-card/stand-alone?masking=true",
            &key,
            &card.encoded,
        );
        let result = answer.assert_success();
        let polys = result["maskingPolys"].as_array().expect("maskingPolys");
        assert_eq!(polys.len(), 1, "{result}");
        let (left, top, right, bottom) = box_bounds(&polys[0]);
        let number_box = result["keyValues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|kv| kv["key"] == "residentNumber")
            .map(|kv| box_bounds(&kv["bbox"]))
            .unwrap();
        // The box starts past the gender digit, about the middle of the
        // number, and runs over its end, above and below.
        let width = (number_box.2 - number_box.0) as f64;
        let start = (left - number_box.0) as f64 / width;
        assert!(
            (0.5..0.6).contains(&start),
            "{id_type}: starts at {start:.2}"
        );
        assert!(right >= number_box.2 && top <= number_box.1 && bottom >= number_box.3);

        let masked_file = aes(
            &key,
            &unbase64(result["maskedImage"].as_str().unwrap()),
            true,
        );
        let original = image::load_from_memory(&card.encoded).unwrap().to_rgb8();
        let masked = image::load_from_memory(&masked_file).unwrap().to_rgb8();
        assert_eq!(masked.dimensions(), original.dimensions());
        // Inside the box, black; well outside it, the upload as it was
        // (JPEG's own loss allowed).
        let (cx, cy) = (((left + right) / 2) as u32, ((top + bottom) / 2) as u32);
        assert_eq!(masked.get_pixel(cx, cy).0, [0, 0, 0]);
        let mut changed = 0;
        for (x, y, pixel) in masked.enumerate_pixels() {
            let near = (x as i64) >= left - 8
                && (x as i64) <= right + 8
                && (y as i64) >= top - 8
                && (y as i64) <= bottom + 8;
            let before = original.get_pixel(x, y);
            let difference = (0..3)
                .map(|c| (pixel[c] as i32 - before[c] as i32).abs())
                .max()
                .unwrap();
            if !near && difference > 48 {
                changed += 1;
            }
        }
        assert_eq!(changed, 0, "{id_type}: pixels outside the box changed");

        // Read again, the masked copy no longer gives the number.
        let (again, _) = post_id_card(&server, "id-card/stand-alone", &key, &masked_file);
        if again.body["header"]["isSuccessful"] == true {
            let read = decrypted_id_card(&again.body["result"], &key);
            let read_number = read["keyValues"]
                .as_array()
                .unwrap()
                .iter()
                .find(|kv| kv["key"] == "residentNumber")
                .map(|kv| kv["value"].as_str().unwrap().to_owned())
                .unwrap();
            assert!(
                !read_number.ends_with(&number[8..]),
                "{id_type}: {read_number}"
            );
        } else {
            again.assert_failure(5003023);
        }
    }

    // Not asked for: no extension fields; asked for wrongly: 4000001.
    let card = id_card_of("resident");
    let (answer, _) = post_id_card(
        &server,
        "id-card/stand-alone?masking=false",
        &key,
        &card.encoded,
    );
    let result = answer.assert_success();
    assert!(result.get("maskingPolys").is_none() && result.get("maskedImage").is_none());
    let (answer, _) = post_id_card(&server, "id-card?masking=maybe", &key, &card.encoded);
    answer.assert_failure(4000001);
}

// --- Passports (API.md §4.4, §4.5) ---------------------------------------

/// A clean synthetic Korean passport of the older layout (a personal number
/// in its MRZ and visual zone) that docrec reads right (tests/id_card.rs).
const PASSPORT_SEED: u64 = 7;

#[test]
fn a_passport_is_read_over_v2_0_and_v2_1_without_a_request_key_its_personal_number_masked() {
    let server = Server::start(&[]);
    let (_, bearer) = Caller::approved_member(&server);
    let passport = docrec_synth::passport(PASSPORT_SEED, Level::Clean).unwrap();
    let personal_number = truth_value(&passport, "personalNo");
    assert_eq!(truth_value(&passport, "countryCode"), "KOR");
    assert!(!personal_number.is_empty());
    let key = [71u8; 32];

    // v2.0 and v2.1, both routes: the same keys, values encrypted, no
    // Request-Key.
    let (answer, request_key) = post_id_card(&server, "id-card", &key, &passport.encoded);
    let result = answer.assert_success();
    assert_eq!(result["idType"], "passport");
    assert_eq!(request_key, None);
    for kv in result["keyValues"].as_array().unwrap() {
        let value = kv["value"].as_str().unwrap();
        assert!(value.is_empty() || !value.contains(truth_value(&passport, "passportNo")));
    }
    let read = decrypted_id_card(result, &key);
    let expected: Vec<(&str, &str)> = passport
        .truth
        .key_values
        .iter()
        .map(|kv| (kv.key.as_str(), kv.value.as_str()))
        .collect();
    let answered: Vec<(&str, &str)> = read["keyValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| (kv["key"].as_str().unwrap(), kv["value"].as_str().unwrap()))
        .collect();
    assert_eq!(answered, expected);
    let (answer, request_key) = post_id_card_as(
        &server,
        &bearer,
        "id-card/stand-alone",
        &key,
        &passport.encoded,
    );
    assert_eq!(decrypted_id_card(answer.assert_success(), &key), read);
    assert_eq!(request_key, None);

    // Masking covers the personal number in the MRZ and where the page
    // prints it.
    let (answer, _) = post_id_card(
        &server,
        "id-card/stand-alone?masking=true",
        &key,
        &passport.encoded,
    );
    let result = answer.assert_success();
    let polys: Vec<(i64, i64, i64, i64)> = result["maskingPolys"]
        .as_array()
        .expect("maskingPolys")
        .iter()
        .map(box_bounds)
        .collect();
    assert_eq!(polys.len(), 2, "{result}");
    let personal_box = result["keyValues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|kv| kv["key"] == "personalNo")
        .map(|kv| box_bounds(&kv["bbox"]))
        .unwrap();
    assert!(polys.contains(&personal_box), "{polys:?} {personal_box:?}");
    let masked_file = aes(
        &key,
        &unbase64(result["maskedImage"].as_str().unwrap()),
        true,
    );
    let (again, _) = post_id_card(&server, "id-card/stand-alone", &key, &masked_file);
    if again.body["header"]["isSuccessful"] == true {
        let read = decrypted_id_card(&again.body["result"], &key);
        assert!(!read.to_string().contains(personal_number), "{read}");
    }

    // Passport authenticity was withdrawn: 4000001, as the hosted service.
    let fields = [("name", "HONG GILDONG"), ("residentNumber", "1234567")];
    check_authenticity(
        &server,
        "passport",
        &fields,
        Some("0123456789abcdef0123456789abcdef"),
    )
    .assert_failure(4000001);
}

/// The registry file of one synthetic resident card, as an operator writes it.
fn registry_csv(card: &docrec_synth::SyntheticIdCard) -> String {
    format!(
        "id_type,name,resident_number,issue_date,driver_license_number,serial_num\n\
         resident,{},{},{},,\n",
        truth_value(card, "name"),
        truth_value(card, "residentNumber"),
        truth_value(card, "issueDate"),
    )
}

#[test]
fn authenticity_checks_the_registry_once_per_request_key_and_locks_after_five_failures() {
    let server = Server::start(&[]);
    let card = id_card_of("resident");
    let csv = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(csv.path(), registry_csv(&card)).unwrap();
    let printed = admin(
        &server,
        &["import-id-registry", csv.path().to_str().unwrap()],
    );
    assert!(printed.contains("imported 1 documents"), "{printed}");

    let name = truth_value(&card, "name");
    let number: String = truth_value(&card, "residentNumber").replace('-', "");
    let date: String = truth_value(&card, "issueDate").replace('.', "");
    let key = [31u8; 32];
    let new_request_key = || {
        post_id_card(&server, "id-card", &key, &card.encoded)
            .1
            .expect("a Request-Key")
    };
    let right = [
        ("name", name),
        ("residentNumber", &number),
        ("issueDate", &date),
    ];

    let request_key = new_request_key();
    // A missing field or header is refused before the key is used.
    check_authenticity(&server, "resident", &right[..2], Some(&request_key))
        .assert_failure(4000001);
    check_authenticity(&server, "resident", &right, None).assert_failure(4000005);
    let answer = check_authenticity(&server, "resident", &right, Some(&request_key));
    assert_eq!(
        answer.assert_success(),
        &serde_json::json!({"isAuthenticity": true})
    );
    // Used once.
    check_authenticity(&server, "resident", &right, Some(&request_key)).assert_failure(4000122);
    check_authenticity(&server, "resident", &right, Some("0123abcd")).assert_failure(4000122);
    // Bound to the idType it was issued for.
    let licence = [
        ("name", name),
        ("residentNumber", &number[..7]),
        ("driverLicenseNumber", "111234567890"),
    ];
    check_authenticity(&server, "driver", &licence, Some(&new_request_key()))
        .assert_failure(4000122);

    // Five wrong issue dates lock the number, even for the right date.
    let wrong = [
        ("name", name),
        ("residentNumber", &number),
        ("issueDate", "19990101"),
    ];
    for _ in 0..5 {
        let answer = check_authenticity(&server, "resident", &wrong, Some(&new_request_key()));
        assert_eq!(
            answer.assert_success(),
            &serde_json::json!({"isAuthenticity": false})
        );
    }
    check_authenticity(&server, "resident", &right, Some(&new_request_key()))
        .assert_failure(4000123);

    // Nothing of the card is in the data dir or the logs in plaintext.
    let everything = server.stored_and_logged();
    for secret in [
        truth_value(&card, "residentNumber").as_bytes(),
        number.as_bytes(),
        name.as_bytes(),
    ] {
        assert!(
            !everything.windows(secret.len()).any(|w| w == secret),
            "{} is stored or logged in plaintext",
            String::from_utf8_lossy(secret)
        );
    }
}

#[test]
fn request_keys_expire() {
    let server = Server::start(&[("DOCREC_REQUEST_KEY_TTL_SECONDS", "1")]);
    let card = id_card_of("resident");
    let (_, request_key) = post_id_card(&server, "id-card", &[41u8; 32], &card.encoded);
    std::thread::sleep(Duration::from_secs(2));
    let fields = [
        ("name", truth_value(&card, "name")),
        ("residentNumber", "9001011234568"),
        ("issueDate", "20150502"),
    ];
    check_authenticity(&server, "resident", &fields, request_key.as_deref())
        .assert_failure(4000122);
}

/// Polls `done` every 200 ms for at most `limit`; gives whether it came
/// true.
fn eventually(limit: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    done()
}

#[test]
fn the_sweeper_deletes_what_has_expired_and_keeps_the_rest() {
    // Everything expires 8 s after it is made and the sweeper runs every
    // second: each row is counted right after it is made, then must be
    // gone within a few sweeps, on the suite's database.
    let server = Server::start(&[
        ("DOCREC_SWEEP_SECONDS", "1"),
        ("DOCREC_REQUEST_KEY_TTL_SECONDS", "8"),
        ("DOCREC_AUTH_LOCK_SECONDS", "8"),
        ("DOCREC_TOKEN_TTL_SECONDS", "8"),
        ("DOCREC_KEY_GRACE_SECONDS", "8"),
    ]);
    let this_app_key = format!("app_key = '{APP_KEY}'");
    let all = "1 = 1";

    // A failed authenticity check (its Request-Key is used up by it), then
    // a Request-Key never used.
    let card = id_card_of("resident");
    let key = [43u8; 32];
    let (_, used) = post_id_card(&server, "id-card", &key, &card.encoded);
    let wrong = [
        ("name", truth_value(&card, "name")),
        ("residentNumber", "9001011234568"),
        ("issueDate", "19990101"),
    ];
    let answer = check_authenticity(&server, "resident", &wrong, used.as_deref());
    assert_eq!(
        answer.assert_success(),
        &serde_json::json!({"isAuthenticity": false})
    );
    assert_eq!(server.count_rows("authenticity_failures", all), 1);
    let (answer, unused) = post_id_card(&server, "id-card", &key, &card.encoded);
    answer.assert_success();
    assert!(unused.is_some());
    assert_eq!(server.count_rows("request_keys", all), 1);

    // An access token.
    let member = Member::new(&server, "member");
    member.token(&server);
    assert_eq!(server.count_rows("access_tokens", all), 1);

    // A credit-card key pair rotated out.
    fetch_public_key(&server, "credit-card");
    admin(&server, &["rotate-keys", "--service", "credit-card"]);
    let credit_card_keys = format!("{this_app_key} AND service = 'credit-card'");
    assert_eq!(server.count_rows("envelope_keys", &credit_card_keys), 2);

    // Rate limit counters of this second and this day (a request is
    // counted before its body is read, so an empty one is enough), and a
    // day of usage statistics from long ago beside today's.
    admin(
        &server,
        &[
            "limits",
            "set",
            "--app-key",
            APP_KEY,
            "--service",
            "credit-card",
            "--per-second",
            "100",
            "--per-day",
            "1000",
        ],
    );
    server.post_image(b"", "empty.png").assert_failure(4000004);
    let counters = |period: &str| {
        server.count_rows(
            "usage_counters",
            &format!("{this_app_key} AND period = '{period}'"),
        )
    };
    assert_eq!(counters("second"), 1);
    assert_eq!(counters("day"), 1);
    server.sql(&format!(
        "INSERT INTO usage_stats (app_key, service, day, result_code, count) \
         VALUES ('{APP_KEY}', 'credit-card', '2020-01-01', 0, 3)"
    ));
    let long_ago = "day = '2020-01-01'";

    let left = || {
        [
            server.count_rows("request_keys", all),
            server.count_rows("authenticity_failures", all),
            server.count_rows("access_tokens", all),
            counters("second"),
            server.count_rows("envelope_keys", &credit_card_keys) - 1,
            server.count_rows("usage_stats", long_ago),
        ]
    };
    assert!(
        eventually(Duration::from_secs(30), || left() == [0; 6]),
        "not swept (Request-Keys, failures, tokens, second counters, \
         old key pairs, old usage rows): {:?}",
        left()
    );

    // What is still needed stays: this day's counter and statistics, the
    // newest key pair (which still opens envelopes), the member's access
    // key.
    assert_eq!(counters("day"), 1);
    assert!(server.count_rows("usage_stats", &this_app_key) >= 1);
    let newest = fetch_public_key(&server, "credit-card");
    assert_eq!(newest.version, "2");
    let credit_card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();
    let key = [7u8; 32];
    let form = image_form(&aes(&key, &credit_card.encoded, false), "card.bin");
    post_card_v2(
        &server,
        Some(&newest.version),
        Some(&newest.wrap(&key)),
        form,
    )
    .assert_success();
    member.token(&server);

    // The metrics say what went.
    for data in [
        "request_keys",
        "authenticity_failures",
        "access_tokens",
        "usage_counters",
        "envelope_keys",
        "usage_stats",
    ] {
        let name = format!("docrec_retention_deleted_rows_total{{data=\"{data}\"}}");
        let deleted = server.metric(&name).unwrap_or_default();
        assert!(deleted >= 1.0, "{name} is {deleted}");
    }
}

#[test]
fn id_card_endpoints_need_the_id_card_service_and_its_use_request_approved() {
    let server = Server::start(&[]);
    // A new appKey of a project has every service but id-card.
    let member = Member::new(&server, "admin");
    let caller = Caller {
        version: "v2.0",
        app_key: member.app_key.clone(),
        header: ("Authorization", member.secret_key.clone()),
    };
    let card = id_card_of("resident");
    let refused = || {
        for route in ["id-card", "id-card/stand-alone"] {
            post_id_card_as(&server, &caller, route, &[1u8; 32], &card.encoded)
                .0
                .assert_failure(4000401);
        }
        check_authenticity_as(&server, &caller, "resident", &[], Some("0123"))
            .assert_failure(4000401);
    };
    refused();
    // The credit-card service is on.
    fetch_public_key_as(&server, &caller, "credit-card");

    let service = |args: &[&str]| {
        let mut all = vec!["service"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--app-key", &member.app_key]);
        admin(&server, &all)
    };
    let printed = service(&["submit", "--user", &member.user]);
    assert_eq!(printed.trim(), "id-card: IN_PROGRESS");
    refused();
    let printed = service(&["approve"]);
    assert_eq!(printed.trim(), "id-card: ENABLED");
    let (answer, request_key) =
        post_id_card_as(&server, &caller, "id-card", &[1u8; 32], &card.encoded);
    answer.assert_success();
    assert!(request_key.is_some());
    assert!(service(&["status"]).contains("id-card: ENABLED"));

    // Submitting again, or approving with nothing in progress, is refused
    // with its code.
    for (args, code) in [(["submit"], "4000404"), (["approve"], "4000403")] {
        let mut all = vec!["admin", "service"];
        all.extend_from_slice(&args);
        all.extend_from_slice(&["--app-key", &member.app_key]);
        let out = server.cli().args(&all).output().unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(code),
            "{args:?}"
        );
    }
}

/// A verification gateway of the operator's, faked: it answers
/// `isAuthenticity: true` for the one document it knows, after `delay`;
/// its first `failing_first` answers are HTTP 500. Gives its URL; the
/// requests it got are pushed to `seen`.
fn fake_gateway(
    known_number: String,
    delay: Duration,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    failing_first: usize,
) -> String {
    use std::io::{BufRead, BufReader, Read};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/verify", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let claim: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let authentic = claim["residentNumber"] == known_number.as_str();
            let answered_before = {
                let mut seen = seen.lock().unwrap();
                seen.push(claim);
                seen.len() - 1
            };
            std::thread::sleep(delay);
            let answer = serde_json::json!({ "isAuthenticity": authentic }).to_string();
            let status = if answered_before < failing_first {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    url
}

#[test]
fn the_http_verifier_asks_the_operators_gateway_and_answers_5000001_when_it_is_slow() {
    let card = id_card_of("resident");
    let number: String = truth_value(&card, "residentNumber").replace('-', "");
    let fields = |number: &str| {
        vec![
            ("name", truth_value(&card, "name").to_owned()),
            ("residentNumber", number.to_owned()),
            (
                "issueDate",
                truth_value(&card, "issueDate").replace('.', ""),
            ),
        ]
    };
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let url = fake_gateway(number.clone(), Duration::ZERO, seen.clone(), 0);
    let server = Server::start(&[
        ("DOCREC_VERIFIER", "http"),
        ("DOCREC_VERIFIER_URL", &url),
        ("DOCREC_VERIFIER_ALLOW_HTTP", "true"),
    ]);
    let key = [51u8; 32];
    for (claimed, expected) in [(number.clone(), true), ("9001011234568".to_owned(), false)] {
        let request_key = post_id_card(&server, "id-card", &key, &card.encoded).1;
        let fields = fields(&claimed);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = check_authenticity(&server, "resident", &fields, request_key.as_deref());
        assert_eq!(
            answer.assert_success(),
            &serde_json::json!({ "isAuthenticity": expected })
        );
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0]["idType"], "resident");
    assert_eq!(seen[0]["name"], truth_value(&card, "name"));

    let slow = fake_gateway(
        number.clone(),
        Duration::from_secs(5),
        Default::default(),
        0,
    );
    let server = Server::start(&[
        ("DOCREC_VERIFIER", "http"),
        ("DOCREC_VERIFIER_URL", &slow),
        ("DOCREC_VERIFIER_ALLOW_HTTP", "true"),
        ("DOCREC_VERIFIER_TIMEOUT_MS", "500"),
    ]);
    let request_key = post_id_card(&server, "id-card", &key, &card.encoded).1;
    let fields = fields(&number);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let started = std::time::Instant::now();
    check_authenticity(&server, "resident", &fields, request_key.as_deref())
        .assert_failure(5000001);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_app_key_whose_uploads_fail_to_decrypt_too_often_is_throttled() {
    let server = Server::start(&[("DOCREC_DECRYPT_FAILURE_LIMIT", "3")]);
    let card = docrec_synth::credit_card(1, Level::Clean).unwrap();
    let public = fetch_public_key(&server, "credit-card");
    let key = [13u8; 32];
    let wrapped = public.wrap(&key);
    // Encrypted under another key: its padding is wrong.
    let undecryptable = aes(&[9u8; 32], &card.encoded, false);
    for _ in 0..3 {
        post_card_v2(
            &server,
            Some(&public.version),
            Some(&wrapped),
            image_form(&undecryptable, "card.bin"),
        )
        .assert_failure(4000303);
    }
    // Now even a good upload is refused until the minute ends.
    post_card_v2(
        &server,
        Some(&public.version),
        Some(&wrapped),
        image_form(&aes(&key, &card.encoded, false), "card.bin"),
    )
    .assert_failure(4000006);
    assert_eq!(server.metric("docrec_decrypt_failures_total"), Some(3.0));
    assert_eq!(server.metric("docrec_decrypt_throttled_total"), Some(1.0));
    assert!(
        server.stderr().contains("failed to decrypt too often"),
        "{}",
        server.stderr()
    );
    // Another appKey is not.
    let member = Member::new(&server, "member");
    let other = Caller {
        version: "v2.0",
        app_key: member.app_key.clone(),
        header: ("Authorization", member.secret_key.clone()),
    };
    let public = fetch_public_key_as(&server, &other, "credit-card");
    post_card_v2_as(
        &server,
        &other,
        Some(&public.version),
        Some(&public.wrap(&key)),
        image_form(&aes(&key, &card.encoded, false), "card.bin"),
    )
    .assert_success();
}

#[test]
fn a_request_key_is_used_up_only_by_a_check_that_completed() {
    let card = id_card_of("resident");
    let number: String = truth_value(&card, "residentNumber").replace('-', "");
    let date = truth_value(&card, "issueDate").replace('.', "");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    // The gateway fails once, then answers.
    let url = fake_gateway(number.clone(), Duration::ZERO, seen.clone(), 1);
    let server = Server::start(&[
        ("DOCREC_VERIFIER", "http"),
        ("DOCREC_VERIFIER_URL", &url),
        ("DOCREC_VERIFIER_ALLOW_HTTP", "true"),
    ]);
    let request_key = post_id_card(&server, "id-card", &[53u8; 32], &card.encoded).1;
    let fields = [
        ("name", truth_value(&card, "name")),
        ("residentNumber", number.as_str()),
        ("issueDate", date.as_str()),
    ];
    check_authenticity(&server, "resident", &fields, request_key.as_deref())
        .assert_failure(5000001);
    // The client's retry with the same key is checked...
    let answer = check_authenticity(&server, "resident", &fields, request_key.as_deref());
    assert_eq!(
        answer.assert_success(),
        &serde_json::json!({ "isAuthenticity": true })
    );
    // ...and uses it up.
    check_authenticity(&server, "resident", &fields, request_key.as_deref())
        .assert_failure(4000122);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn checks_sent_at_once_get_five_guesses_through_and_lock_the_person_for_one_app_key_only() {
    let card = id_card_of("resident");
    let number: String = truth_value(&card, "residentNumber").replace('-', "");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    // A gateway that knows no such document and takes its time: every
    // check fails, and many are in flight at once.
    let url = fake_gateway(
        "0000000000000".to_owned(),
        Duration::from_millis(100),
        seen.clone(),
        0,
    );
    let server = Server::start(&[
        ("DOCREC_VERIFIER", "http"),
        ("DOCREC_VERIFIER_URL", &url),
        ("DOCREC_VERIFIER_ALLOW_HTTP", "true"),
        ("DOCREC_WORKERS", "2"),
    ]);
    let key = [57u8; 32];
    let guesses = 20;
    let request_keys: Vec<String> = (0..guesses)
        .map(|_| {
            post_id_card(&server, "id-card", &key, &card.encoded)
                .1
                .expect("a Request-Key")
        })
        .collect();
    let wrong = [
        ("name", truth_value(&card, "name")),
        ("residentNumber", number.as_str()),
        ("issueDate", "19990101"),
    ];
    let start = std::sync::Barrier::new(guesses);
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let sent: Vec<_> = request_keys
            .iter()
            .map(|request_key| {
                let (start, server, wrong) = (&start, &server, &wrong);
                s.spawn(move || {
                    start.wait();
                    check_authenticity(server, "resident", wrong, Some(request_key))
                })
            })
            .collect();
        sent.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let failed = answers
        .iter()
        .filter(|a| a.body["result"] == serde_json::json!({ "isAuthenticity": false }))
        .count();
    let locked = answers
        .iter()
        .filter(|a| a.body["header"]["resultCode"] == 4000123)
        .count();
    assert_eq!((failed, locked), (5, guesses - 5), "{answers:?}");
    assert_eq!(seen.lock().unwrap().len(), 5, "guesses the gateway saw");

    // Another appKey's customer of the same number is not locked.
    let member = Member::new(&server, "member");
    for step in ["submit", "approve"] {
        admin(&server, &["service", step, "--app-key", &member.app_key]);
    }
    let other = Caller {
        version: "v2.0",
        app_key: member.app_key.clone(),
        header: ("Authorization", member.secret_key.clone()),
    };
    let (_, request_key) = post_id_card_as(&server, &other, "id-card", &key, &card.encoded);
    let answer = check_authenticity_as(&server, &other, "resident", &wrong, request_key.as_deref());
    assert_eq!(
        answer.assert_success(),
        &serde_json::json!({ "isAuthenticity": false })
    );
}

/// Runs `openssl ARGS` in `dir`, for files; panics when it fails.
fn openssl_in(dir: &std::path::Path, args: &[&str]) {
    let made = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running openssl");
    assert!(
        made.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// A CA (`ca.pem`) and a certificate for 127.0.0.1 it signed (`server.pem`,
/// `server.key`), in `dir`.
fn test_ca_and_server_certificate(dir: &std::path::Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=gateway test CA"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    openssl_in(dir, &ca);
    let mut request = vec!["req", "-subj", "/CN=127.0.0.1"];
    request.extend(ec);
    request.extend(["-keyout", "server.key", "-out", "server.csr"]);
    openssl_in(dir, &request);
    std::fs::write(dir.join("san"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl_in(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san",
            "-out",
            "server.pem",
        ],
    );
}

/// A gateway over HTTPS (Python's http.server and ssl), with the
/// certificate of `dir`: answers `isAuthenticity: true` for `known_number`.
/// Gives the process (killed when dropped by the caller) and its URL.
fn https_gateway(dir: &std::path::Path, known_number: &str) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let script = r#"
import http.server, json, ssl, sys
class Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        claim = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps({"isAuthenticity": claim.get("residentNumber") == sys.argv[3]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir.join("server.pem"))
        .arg(dir.join("server.key"))
        .arg(known_number)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (Debian's python3 package)");
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let url = format!("https://127.0.0.1:{}/verify", port.trim());
    (child, url)
}

#[test]
fn the_verifier_speaks_https_checks_its_certificate_and_refuses_plain_http_unasked() {
    let card = id_card_of("resident");
    let number: String = truth_value(&card, "residentNumber").replace('-', "");
    let date = truth_value(&card, "issueDate").replace('.', "");
    let fields = [
        ("name", truth_value(&card, "name")),
        ("residentNumber", number.as_str()),
        ("issueDate", date.as_str()),
    ];
    let dir = tempfile::tempdir().unwrap();
    test_ca_and_server_certificate(dir.path());
    let (mut gateway, url) = https_gateway(dir.path(), &number);
    let ca_file = dir.path().join("ca.pem");

    // Its CA given: the check is answered over TLS.
    let server = Server::start(&[
        ("DOCREC_VERIFIER", "http"),
        ("DOCREC_VERIFIER_URL", &url),
        ("DOCREC_VERIFIER_CA_FILE", ca_file.to_str().unwrap()),
    ]);
    let request_key = post_id_card(&server, "id-card", &[59u8; 32], &card.encoded).1;
    let answer = check_authenticity(&server, "resident", &fields, request_key.as_deref());
    assert_eq!(
        answer.assert_success(),
        &serde_json::json!({ "isAuthenticity": true })
    );
    drop(server);

    // Not given: a certificate no CA of the system's signed is not
    // believed.
    let server = Server::start(&[("DOCREC_VERIFIER", "http"), ("DOCREC_VERIFIER_URL", &url)]);
    let request_key = post_id_card(&server, "id-card", &[59u8; 32], &card.encoded).1;
    check_authenticity(&server, "resident", &fields, request_key.as_deref())
        .assert_failure(5000001);
    drop(server);
    let _ = gateway.kill();
    let _ = gateway.wait();

    // A plain http:// gateway is refused unless the operator opts in.
    let refused = common::docrec()
        .arg("serve")
        .env("DOCREC_DATA_DIR", dir.path().join("data"))
        .env("DOCREC_LISTEN", "127.0.0.1:0")
        .env("DATABASE_URL", "")
        .env("DOCREC_WORKERS", "1")
        .env("DOCREC_VERIFIER", "http")
        .env("DOCREC_VERIFIER_URL", "http://127.0.0.1:9/verify")
        .output()
        .expect("running docrec serve");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("DOCREC_VERIFIER_ALLOW_HTTP"), "{stderr}");
}

#[test]
fn every_v2_route_answers_under_v2_1_with_a_members_bearer_token() {
    let server = Server::start(&[]);
    let (member, bearer) = Caller::approved_member(&server);
    let secret = Caller {
        version: "v2.0",
        app_key: member.app_key.clone(),
        header: ("Authorization", member.secret_key.clone()),
    };

    // Both versions of an appKey share its key pairs.
    let public = fetch_public_key_as(&server, &bearer, "credit-card");
    assert_eq!(
        fetch_public_key_as(&server, &secret, "credit-card").spki,
        public.spki
    );

    let card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();
    let key = [61u8; 32];
    let form = || image_form(&aes(&key, &card.encoded, false), "card.bin");
    let wrapped = public.wrap(&key);
    let via_bearer = post_card_v2_as(
        &server,
        &bearer,
        Some(&public.version),
        Some(&wrapped),
        form(),
    );
    let via_secret = post_card_v2_as(
        &server,
        &secret,
        Some(&public.version),
        Some(&wrapped),
        form(),
    );
    let read = decrypted_card(via_bearer.assert_success(), &key);
    assert_eq!(read["totalCardNum"], card.truth.total_card_num);
    assert_eq!(read, decrypted_card(via_secret.assert_success(), &key));

    // An ID card: a Request-Key, redeemed by an authenticity check on v2.1.
    let id_card = id_card_of("resident");
    let csv = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(csv.path(), registry_csv(&id_card)).unwrap();
    admin(
        &server,
        &["import-id-registry", csv.path().to_str().unwrap()],
    );
    let (answer, request_key) =
        post_id_card_as(&server, &bearer, "id-card", &key, &id_card.encoded);
    let read = decrypted_id_card(answer.assert_success(), &key);
    assert_eq!(
        read["keyValues"][1]["value"],
        truth_value(&id_card, "residentNumber")
    );
    let (answer, none) = post_id_card_as(
        &server,
        &bearer,
        "id-card/stand-alone",
        &key,
        &id_card.encoded,
    );
    assert_eq!(decrypted_id_card(answer.assert_success(), &key), read);
    assert_eq!(none, None);
    let number = truth_value(&id_card, "residentNumber").replace('-', "");
    let date = truth_value(&id_card, "issueDate").replace('.', "");
    let fields = [
        ("name", truth_value(&id_card, "name")),
        ("residentNumber", number.as_str()),
        ("issueDate", date.as_str()),
    ];
    let checked = check_authenticity_as(
        &server,
        &bearer,
        "resident",
        &fields,
        request_key.as_deref(),
    );
    assert_eq!(checked.assert_success()["isAuthenticity"], true);

    // Each version takes its own header only.
    let crossed = |version: &'static str, header: &(&'static str, String)| Caller {
        version,
        app_key: member.app_key.clone(),
        header: header.clone(),
    };
    for caller in [
        crossed("v2.1", &secret.header),
        crossed("v2.0", &bearer.header),
    ] {
        server
            .send(caller.post(&server, "public-keys/credit-card"))
            .assert_failure(4000005);
    }
}

// --- Several nodes on one PostgreSQL (DATABASE_URL) -------------------------

#[test]
fn two_nodes_on_one_postgres_share_request_keys_key_versions_and_tokens() {
    let cluster = common::Cluster::start();
    let database = common::TestDatabase::create(&cluster.admin_url);
    let node_a = Server::start_on(&database, &[]);
    let node_b = Server::start_on(&database, &[]);
    let bootstrap = Caller::bootstrap();

    // One key pair, whichever node made it.
    let on_a = fetch_public_key_as(&node_a, &bootstrap, "id-card");
    assert_eq!(
        fetch_public_key_as(&node_b, &bootstrap, "id-card").spki,
        on_a.spki
    );

    // A Request-Key issued by one node is redeemed on the other, once.
    let card = id_card_of("resident");
    let csv = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(csv.path(), registry_csv(&card)).unwrap();
    admin(
        &node_a,
        &["import-id-registry", csv.path().to_str().unwrap()],
    );
    let (answer, request_key) =
        post_id_card_as(&node_a, &bootstrap, "id-card", &[7u8; 32], &card.encoded);
    answer.assert_success();
    let number = truth_value(&card, "residentNumber").replace('-', "");
    let date = truth_value(&card, "issueDate").replace('.', "");
    let fields = [
        ("name", truth_value(&card, "name")),
        ("residentNumber", number.as_str()),
        ("issueDate", date.as_str()),
    ];
    let checked = check_authenticity_as(
        &node_b,
        &bootstrap,
        "resident",
        &fields,
        request_key.as_deref(),
    );
    assert_eq!(checked.assert_success()["isAuthenticity"], true);
    check_authenticity_as(
        &node_a,
        &bootstrap,
        "resident",
        &fields,
        request_key.as_deref(),
    )
    .assert_failure(4000122);

    // A rotation is seen by both.
    admin(&node_b, &["rotate-keys", "--service", "id-card"]);
    for node in [&node_a, &node_b] {
        assert_eq!(
            fetch_public_key_as(node, &bootstrap, "id-card").version,
            "2"
        );
    }

    // A token made on one node signs requests on the other.
    let member = Member::new(&node_a, "member");
    let bearer = Caller {
        version: "v2.1",
        app_key: member.app_key.clone(),
        header: (
            "X-NHN-Authorization",
            format!("Bearer {}", member.token(&node_a)),
        ),
    };
    fetch_public_key_as(&node_b, &bearer, "credit-card");
}
