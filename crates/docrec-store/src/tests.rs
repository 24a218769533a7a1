//! Store tests on a real SQLite file in a temporary directory.

use std::path::Path;
use std::time::{Duration, Instant};

use docrec_errors::{ErrorCode, ToErrorCode};

use crate::{
    AppKeyAccess, RegistryRecord, Service, ServiceState, Store, StoreError, TakenRequestKey,
    DEFAULT_PROJECT_ID, SQLITE_FILE_NAME,
};

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open_sqlite(dir.path()).await.expect("open store")
}

/// The bytes of the database file and its WAL, where rows live before a checkpoint.
fn database_bytes(dir: &tempfile::TempDir) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-journal"] {
        let path = dir.path().join(format!("{SQLITE_FILE_NAME}{suffix}"));
        if let Ok(content) = std::fs::read(path) {
            bytes.extend_from_slice(&content);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn opening_twice_runs_the_migrations_once() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a").join("b");
    let store = Store::open_sqlite(&nested).await.unwrap();
    store.ensure_app_key("bootstrap", "secret-1").await.unwrap();
    store.close().await;

    let store = Store::open_sqlite(&nested).await.unwrap();
    store.ping().await.unwrap();
    assert_eq!(store.app_key_count().await.unwrap(), 1);
    assert!(store.verify_secret("bootstrap", "secret-1").await.unwrap());
    assert!(nested.join(SQLITE_FILE_NAME).is_file());
}

#[tokio::test]
async fn the_database_is_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn ensure_app_key_then_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store
        .ensure_app_key("myAppKey", "right-secret")
        .await
        .unwrap();

    assert!(store
        .verify_secret("myAppKey", "right-secret")
        .await
        .unwrap());
    assert!(!store
        .verify_secret("myAppKey", "wrong-secret")
        .await
        .unwrap());
    assert!(!store.verify_secret("myAppKey", "").await.unwrap());
    assert!(!store
        .verify_secret("myAppKey", "right-secret ")
        .await
        .unwrap());
    assert!(!store
        .verify_secret("otherAppKey", "right-secret")
        .await
        .unwrap());
    assert!(!store.verify_secret("", "").await.unwrap());
}

#[tokio::test]
async fn ensure_app_key_with_a_changed_secret_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.ensure_app_key("k", "old-secret").await.unwrap();
    let (salt_before, _): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT secret_salt, secret_hash FROM app_keys WHERE app_key = 'k'")
            .fetch_one(&store.pool)
            .await
            .unwrap();

    // The same secret again leaves the row alone.
    store.ensure_app_key("k", "old-secret").await.unwrap();
    let (salt_same, _): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT secret_salt, secret_hash FROM app_keys WHERE app_key = 'k'")
            .fetch_one(&store.pool)
            .await
            .unwrap();
    assert_eq!(salt_before, salt_same);

    store.ensure_app_key("k", "new-secret").await.unwrap();
    assert!(store.verify_secret("k", "new-secret").await.unwrap());
    assert!(!store.verify_secret("k", "old-secret").await.unwrap());
    assert_eq!(store.app_key_count().await.unwrap(), 1);
}

#[tokio::test]
async fn create_app_key_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert_eq!(store.app_key_count().await.unwrap(), 0);

    let (app_key, secret_key) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    assert_eq!(app_key.len(), 20);
    assert!(app_key.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(secret_key.len(), 32);
    assert!(secret_key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));

    assert!(store.verify_secret(&app_key, &secret_key).await.unwrap());
    assert!(!store.verify_secret(&app_key, "not-it").await.unwrap());
    for service in Service::ALL {
        assert_eq!(
            store.service_enabled(&app_key, service).await.unwrap(),
            !service.is_gated(),
            "{service}"
        );
    }

    let (other_key, other_secret) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    assert_ne!(app_key, other_key);
    assert_ne!(secret_key, other_secret);
    assert!(!store.verify_secret(&app_key, &other_secret).await.unwrap());
    assert_eq!(store.app_key_count().await.unwrap(), 2);
}

#[tokio::test]
async fn only_a_hash_of_the_secret_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let secret = "PlainTextSecretThatMustNeverBeStored";
    store.ensure_app_key("hashedKey", secret).await.unwrap();
    let (created_key, created_secret) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();

    let (salt, hash): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT secret_salt, secret_hash FROM app_keys WHERE app_key = 'hashedKey'")
            .fetch_one(&store.pool)
            .await
            .unwrap();
    assert_eq!(salt.len(), 16);
    assert_eq!(hash.len(), 32);
    assert!(!contains(&hash, secret.as_bytes()));

    // Before and after a checkpoint, neither the database nor its WAL hold the plaintext.
    let bytes = database_bytes(&dir);
    assert!(
        contains(&bytes, b"hashedKey"),
        "the search does see stored text"
    );
    assert!(contains(&bytes, created_key.as_bytes()));
    assert!(!contains(&bytes, secret.as_bytes()));
    assert!(!contains(&bytes, created_secret.as_bytes()));
    store.close().await;
    let bytes = database_bytes(&dir);
    assert!(contains(&bytes, b"hashedKey"));
    assert!(!contains(&bytes, secret.as_bytes()));
    assert!(!contains(&bytes, created_secret.as_bytes()));
}

#[tokio::test]
async fn service_enabled_follows_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.ensure_app_key("svcKey", "s").await.unwrap();
    for service in Service::ALL {
        assert!(store.service_enabled("svcKey", service).await.unwrap());
        assert!(!store.service_enabled("unknownKey", service).await.unwrap());
    }

    assert!(store
        .change_service_state(
            "svcKey",
            Service::IdCard,
            ServiceState::Enabled,
            ServiceState::NotEnabled,
            0
        )
        .await
        .unwrap());
    assert!(!store
        .service_enabled("svcKey", Service::IdCard)
        .await
        .unwrap());
    assert!(store
        .service_enabled("svcKey", Service::CreditCard)
        .await
        .unwrap());

    // ensure_app_key enables every service again.
    store.ensure_app_key("svcKey", "s").await.unwrap();
    assert!(store
        .service_enabled("svcKey", Service::IdCard)
        .await
        .unwrap());
}

#[tokio::test]
async fn a_locked_database_errors_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let holder = open(&dir).await;
    let mut conn = holder.pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *conn)
        .await
        .unwrap();

    let store = Store::open_sqlite_with_timeout(dir.path(), Duration::from_millis(200))
        .await
        .unwrap();
    let started = Instant::now();
    let error = store.ensure_app_key("k", "s").await.unwrap_err();
    assert!(matches!(error, StoreError::Database(_)), "{error}");
    assert_eq!(error.error_code(), ErrorCode::DatabaseFail);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    // Readers are not blocked by the writer under WAL.
    assert!(!store.verify_secret("k", "s").await.unwrap());

    sqlx::query("ROLLBACK").execute(&mut *conn).await.unwrap();
    store.ensure_app_key("k", "s").await.unwrap();
}

#[tokio::test]
async fn a_data_dir_that_cannot_be_created_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let error = Store::open_sqlite(&file.join("data")).await.unwrap_err();
    assert!(matches!(error, StoreError::CreateDataDir { .. }), "{error}");
    assert_eq!(error.error_code().code(), 5000003);
}

#[tokio::test]
async fn the_data_dir_and_its_files_are_private_to_docrec() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    // A database an earlier version left readable by everyone.
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = data.join(SQLITE_FILE_NAME);
    std::fs::write(&file, b"").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open_sqlite(&data).await.unwrap();
    store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    assert_eq!(mode(&data), 0o700);
    let files: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(files.len() >= 2, "the database and its WAL: {files:?}");
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[tokio::test]
async fn business_status_rows_are_imported_replaced_and_found() {
    use crate::BusinessStatus;
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let row = |number: &str, code: &str, message: &str| BusinessStatus {
        business_number: number.to_owned(),
        status_code: code.to_owned(),
        status_message: message.to_owned(),
    };
    let written = store
        .import_business_status(&[
            row("1234567891", "01", "general"),
            row("2208162517", "06", "closed"),
        ])
        .await
        .unwrap();
    assert_eq!(written, 2);
    assert_eq!(
        store.business_status("1234567891").await.unwrap(),
        Some(row("1234567891", "01", "general"))
    );
    assert_eq!(store.business_status("0000000000").await.unwrap(), None);
    // A second import replaces a number's row and keeps the others.
    store
        .import_business_status(&[row("1234567891", "05", "suspended")])
        .await
        .unwrap();
    assert_eq!(
        store
            .business_status("1234567891")
            .await
            .unwrap()
            .unwrap()
            .status_code,
        "05"
    );
    assert!(store.business_status("2208162517").await.unwrap().is_some());
}

#[tokio::test]
async fn the_key_ring_adds_versions_once_and_rewraps_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert!(store.key_ring().await.unwrap().is_empty());
    assert!(store.add_key_ring_version(1, b"wrapped-1").await.unwrap());
    assert!(!store.add_key_ring_version(1, b"other").await.unwrap());
    assert!(store.add_key_ring_version(2, b"wrapped-2").await.unwrap());
    assert_eq!(
        store.key_ring().await.unwrap(),
        [(1, b"wrapped-1".to_vec()), (2, b"wrapped-2".to_vec())]
    );
    // A rewrap that misses a version changes nothing.
    assert!(matches!(
        store.rewrap_key_ring(&[(1, b"new-1".to_vec())]).await,
        Err(StoreError::KeyRingChanged)
    ));
    assert!(matches!(
        store
            .rewrap_key_ring(&[(1, b"new-1".to_vec()), (3, b"new-3".to_vec())])
            .await,
        Err(StoreError::KeyRingChanged)
    ));
    assert_eq!(store.key_ring().await.unwrap()[0].1, b"wrapped-1");
    store
        .rewrap_key_ring(&[(1, b"new-1".to_vec()), (2, b"new-2".to_vec())])
        .await
        .unwrap();
    assert_eq!(
        store.key_ring().await.unwrap(),
        [(1, b"new-1".to_vec()), (2, b"new-2".to_vec())]
    );
}

#[tokio::test]
async fn envelope_keys_are_versioned_per_app_key_and_service() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.ensure_app_key("team-a", "secret").await.unwrap();
    assert!(store
        .envelope_keys("team-a", Service::IdCard)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .add_envelope_key("team-a", Service::IdCard, 1, "pub-1", b"sealed-1")
        .await
        .unwrap());
    // A second first version (another node, the same moment) loses.
    assert!(!store
        .add_envelope_key("team-a", Service::IdCard, 1, "pub-x", b"sealed-x")
        .await
        .unwrap());
    assert!(store
        .add_envelope_key("team-a", Service::IdCard, 2, "pub-2", b"sealed-2")
        .await
        .unwrap());
    let keys = store
        .envelope_keys("team-a", Service::IdCard)
        .await
        .unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!((keys[0].version, keys[0].public_key.as_str()), (2, "pub-2"));
    assert_eq!(keys[0].retired_at, None);
    assert_eq!(
        (keys[1].version, keys[1].sealed_private_key.as_slice()),
        (1, &b"sealed-1"[..])
    );
    assert!(keys[1].retired_at.is_some());
    assert!(store
        .envelope_keys("team-a", Service::CreditCard)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.app_keys().await.unwrap(), ["team-a"]);

    // Retired key pairs go once their grace period is over; the current
    // one stays.
    let retired_at = keys[1].retired_at.unwrap();
    assert_eq!(
        store
            .sweep_retired_envelope_keys(retired_at - 1)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.sweep_retired_envelope_keys(retired_at).await.unwrap(),
        1
    );
    let versions: Vec<i64> = store
        .envelope_keys("team-a", Service::IdCard)
        .await
        .unwrap()
        .iter()
        .map(|k| k.version)
        .collect();
    assert_eq!(versions, [2]);
    assert_eq!(
        store.sweep_retired_envelope_keys(i64::MAX).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn request_keys_are_taken_once_by_their_app_key_before_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.ensure_app_key("team-a", "secret").await.unwrap();
    store.ensure_app_key("team-b", "secret").await.unwrap();
    for (hash, expires_at) in [(b"hash-1", 1000), (b"hash-2", 1000), (b"hash-3", 500)] {
        store
            .add_request_key(hash, "team-a", "resident", b"sealed", expires_at)
            .await
            .unwrap();
    }
    // Another appKey's take finds nothing (and uses nothing up).
    assert_eq!(
        store
            .take_request_key(b"hash-1", "team-b", 10)
            .await
            .unwrap(),
        None
    );
    let taken = store
        .take_request_key(b"hash-1", "team-a", 10)
        .await
        .unwrap();
    assert_eq!(
        taken,
        Some(TakenRequestKey {
            id_type: "resident".to_owned(),
            sealed_fields: b"sealed".to_vec(),
            expires_at: 1000,
        })
    );
    assert_eq!(
        store
            .take_request_key(b"hash-1", "team-a", 10)
            .await
            .unwrap(),
        None
    );
    // Expired: gone, and not given.
    assert_eq!(
        store
            .take_request_key(b"hash-2", "team-a", 1000)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .take_request_key(b"hash-2", "team-a", 10)
            .await
            .unwrap(),
        None
    );
    // The sweeper deletes what expired.
    assert_eq!(store.sweep_request_keys(600).await.unwrap(), 1);
    assert_eq!(
        store
            .take_request_key(b"hash-3", "team-a", 10)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn the_registry_and_failed_checks_keep_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let records = [
        RegistryRecord {
            record_hash: b"record-1".to_vec(),
            serial_hash: None,
        },
        RegistryRecord {
            record_hash: b"record-2".to_vec(),
            serial_hash: Some(b"serial-2".to_vec()),
        },
    ];
    assert_eq!(store.import_id_registry(&records, 5).await.unwrap(), 2);
    assert_eq!(store.import_id_registry(&records, 6).await.unwrap(), 2);
    assert_eq!(
        store.registry_record(b"record-2").await.unwrap(),
        Some(records[1].clone())
    );
    assert_eq!(store.registry_record(b"record-3").await.unwrap(), None);

    // Three attempts at most, the window starting at `forget_before`.
    let attempt = |person: &'static [u8], now: i64, forget_before: i64| {
        let store = store.clone();
        async move {
            store
                .count_authenticity_attempt(person, now, forget_before, 3)
                .await
                .unwrap()
        }
    };
    for now in 101..=103 {
        assert!(attempt(b"person", now, 0).await);
    }
    assert!(!attempt(b"person", 104, 0).await, "locked after three");
    // An attempt taken back (its check did not complete) frees its place.
    store.uncount_authenticity_attempt(b"person").await.unwrap();
    assert!(attempt(b"person", 105, 0).await);
    assert!(!attempt(b"person", 106, 0).await);
    // Attempts older than the window are forgotten.
    for now in 500..=502 {
        assert!(attempt(b"person", now, 400).await);
    }
    assert!(!attempt(b"person", 503, 400).await);
    // A check that passed clears the count.
    store.clear_authenticity_failures(b"person").await.unwrap();
    assert!(attempt(b"person", 504, 400).await);
    // Counts that no longer count are deleted by the sweeper.
    store.clear_authenticity_failures(b"person").await.unwrap();
    attempt(b"old", 100, 0).await;
    attempt(b"recent", 300, 0).await;
    assert_eq!(store.sweep_authenticity_failures(200).await.unwrap(), 1);
    assert_eq!(store.sweep_authenticity_failures(200).await.unwrap(), 0);
    assert_eq!(store.sweep_authenticity_failures(400).await.unwrap(), 1);

    assert_eq!(store.sealed_secret("registry").await.unwrap(), None);
    assert_eq!(
        store.add_sealed_secret("registry", b"first").await.unwrap(),
        b"first"
    );
    assert_eq!(
        store
            .add_sealed_secret("registry", b"second")
            .await
            .unwrap(),
        b"first"
    );
}

#[tokio::test]
async fn a_member_of_an_app_keys_project_has_its_role_and_others_have_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let project = store.create_project("payments").await.unwrap();
    assert!(uuid::Uuid::parse_str(&project.id).is_ok());
    assert_eq!(
        store.project(&project.id).await.unwrap(),
        Some(project.clone())
    );
    let (app_key, _) = store.create_app_key(&project.id).await.unwrap();
    let user = store.create_user("kim").await.unwrap();
    let stranger = store.create_user("lee").await.unwrap();
    assert_eq!(store.user(&user.id).await.unwrap(), Some(user.clone()));

    store
        .set_member(&project.id, &user.id, "viewer")
        .await
        .unwrap();
    store
        .set_member(&project.id, &user.id, "member")
        .await
        .unwrap();

    assert_eq!(
        store.app_key_access(&app_key, &user.id).await.unwrap(),
        AppKeyAccess::Role("member".to_owned())
    );
    assert_eq!(
        store.app_key_access(&app_key, &stranger.id).await.unwrap(),
        AppKeyAccess::NotMember
    );
    assert_eq!(
        store.app_key_access("no-such-key", &user.id).await.unwrap(),
        AppKeyAccess::UnknownAppKey
    );
    assert_eq!(store.members(&project.id).await.unwrap().len(), 1);
    assert!(store.remove_member(&project.id, &user.id).await.unwrap());
    assert!(!store.remove_member(&project.id, &user.id).await.unwrap());
    assert_eq!(
        store.app_key_access(&app_key, &user.id).await.unwrap(),
        AppKeyAccess::NotMember
    );
}

#[tokio::test]
async fn deleting_a_project_deletes_its_app_keys_and_what_they_own() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let project = store.create_project("onboarding").await.unwrap();
    let (app_key, secret_key) = store.create_app_key(&project.id).await.unwrap();
    let (kept_key, kept_secret) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    store
        .add_envelope_key(&app_key, Service::IdCard, 1, "public", b"sealed")
        .await
        .unwrap();
    store
        .add_request_key(b"hash", &app_key, "resident", b"fields", i64::MAX)
        .await
        .unwrap();
    assert_eq!(
        store.project_app_keys(&project.id).await.unwrap(),
        vec![app_key.clone()]
    );

    assert!(store.delete_project(&project.id).await.unwrap());

    assert_eq!(store.project(&project.id).await.unwrap(), None);
    assert!(!store.verify_secret(&app_key, &secret_key).await.unwrap());
    assert!(store
        .envelope_keys(&app_key, Service::IdCard)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.take_request_key(b"hash", &app_key, 0).await.unwrap(),
        None
    );
    assert!(!store
        .service_enabled(&app_key, Service::IdCard)
        .await
        .unwrap());
    assert!(store.verify_secret(&kept_key, &kept_secret).await.unwrap());
    assert!(!store.delete_project(&project.id).await.unwrap());
}

#[tokio::test]
async fn the_default_project_is_made_again_for_a_bootstrap_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert!(store.delete_project(DEFAULT_PROJECT_ID).await.unwrap());
    store.ensure_app_key("bootstrap", "secret").await.unwrap();
    assert_eq!(
        store.project_app_keys(DEFAULT_PROJECT_ID).await.unwrap(),
        vec!["bootstrap".to_owned()]
    );
}

#[tokio::test]
async fn access_keys_and_tokens_are_kept_hashed_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let user = store.create_user("park").await.unwrap();
    let (key_id, secret_key) = store.create_access_key(&user.id).await.unwrap();

    assert_eq!(
        store.verify_access_key(&key_id, &secret_key).await.unwrap(),
        Some(user.id.clone())
    );
    assert_eq!(
        store.verify_access_key(&key_id, "wrong").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .verify_access_key("unknown", &secret_key)
            .await
            .unwrap(),
        None
    );

    store
        .add_access_token(b"token-hash", &key_id, 200)
        .await
        .unwrap();
    assert_eq!(
        store.access_token_user(b"token-hash", 199).await.unwrap(),
        Some(user.id.clone())
    );
    assert_eq!(
        store.access_token_user(b"token-hash", 200).await.unwrap(),
        None
    );
    assert_eq!(store.access_token_user(b"other", 0).await.unwrap(), None);
    assert_eq!(store.sweep_access_tokens(200).await.unwrap(), 1);

    store
        .add_access_token(b"second", &key_id, 500)
        .await
        .unwrap();
    assert!(store.delete_access_key(&key_id).await.unwrap());
    assert_eq!(store.access_token_user(b"second", 0).await.unwrap(), None);
    assert_eq!(
        store.verify_access_key(&key_id, &secret_key).await.unwrap(),
        None
    );
    assert!(!contains(&database_bytes(&dir), secret_key.as_bytes()));
}

#[tokio::test]
async fn a_service_moves_only_from_the_state_it_is_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (app_key, _) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    let state = || store.service_state(&app_key, Service::IdCard);
    let change = |from, to| store.change_service_state(&app_key, Service::IdCard, from, to, 7);
    use ServiceState::{Enabled, InProgress, NotEnabled};

    assert_eq!(state().await.unwrap(), Some(NotEnabled));
    assert!(!change(InProgress, Enabled).await.unwrap());
    assert!(change(NotEnabled, InProgress).await.unwrap());
    assert!(!change(NotEnabled, InProgress).await.unwrap());
    assert_eq!(state().await.unwrap(), Some(InProgress));
    assert!(change(InProgress, Enabled).await.unwrap());
    assert!(store
        .service_enabled(&app_key, Service::IdCard)
        .await
        .unwrap());
    assert_eq!(
        store
            .service_state("unknown", Service::IdCard)
            .await
            .unwrap(),
        None
    );
    assert!(!store
        .change_service_state("unknown", Service::IdCard, NotEnabled, InProgress, 7)
        .await
        .unwrap());

    // A key whose row is missing is NOT_ENABLED, and can move from there.
    sqlx::query("DELETE FROM app_key_services WHERE app_key = $1")
        .bind(&app_key)
        .execute(&store.pool)
        .await
        .unwrap();
    assert_eq!(state().await.unwrap(), Some(NotEnabled));
    assert!(change(NotEnabled, InProgress).await.unwrap());

    store.enable_every_service(&app_key).await.unwrap();
    for service in Service::ALL {
        assert!(store.service_enabled(&app_key, service).await.unwrap());
    }
}

#[tokio::test]
async fn requests_are_admitted_up_to_every_limit_and_counted_only_when_admitted() {
    use crate::{CountedPeriod, RateLimits};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (app_key, _) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    let service = Service::CreditCard;
    assert_eq!(
        store.rate_limits(&app_key, service).await.unwrap(),
        RateLimits::default()
    );
    let limits = RateLimits {
        per_second: Some(10),
        per_day: Some(3),
        per_month: None,
    };
    assert!(store
        .set_rate_limits(&app_key, service, limits)
        .await
        .unwrap());
    assert!(!store
        .set_rate_limits("unknown", service, limits)
        .await
        .unwrap());
    assert_eq!(store.rate_limits(&app_key, service).await.unwrap(), limits);

    let periods = |second| {
        [
            CountedPeriod {
                period: "second",
                start: second,
                limit: 10,
            },
            CountedPeriod {
                period: "day",
                start: 20000,
                limit: 3,
            },
        ]
    };
    for second in 0..3 {
        assert!(store
            .admit_request(&app_key, service, &periods(second))
            .await
            .unwrap());
    }
    // The day is full: refused, and the second's count is not raised.
    assert!(!store
        .admit_request(&app_key, service, &periods(3))
        .await
        .unwrap());
    let second_3: Option<i64> = sqlx::query_scalar(
        "SELECT count FROM usage_counters WHERE period = 'second' AND period_start = 3",
    )
    .fetch_optional(&store.pool)
    .await
    .unwrap();
    assert_eq!(second_3, None);
    // Another service has its own counters; a limit of 0 admits nothing.
    let none = [CountedPeriod {
        period: "day",
        start: 20000,
        limit: 0,
    }];
    assert!(!store
        .admit_request(&app_key, Service::Business, &none)
        .await
        .unwrap());

    assert_eq!(store.sweep_usage_counters(2, 20001, 0).await.unwrap(), 3);
}

#[tokio::test]
async fn usage_is_counted_per_day_service_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (app_key, _) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    for (day, service, code) in [
        ("2026-12-01", Service::CreditCard, 0),
        ("2026-12-01", Service::CreditCard, 0),
        ("2026-12-01", Service::CreditCard, 4000006),
        ("2026-12-02", Service::Business, 0),
        ("2026-12-03", Service::Business, 0),
    ] {
        store
            .record_usage(&app_key, service, day, code)
            .await
            .unwrap();
    }
    let rows = store
        .usage(&app_key, "2026-12-01", "2026-12-02")
        .await
        .unwrap();
    let rows: Vec<_> = rows
        .iter()
        .map(|r| (r.day.as_str(), r.service.as_str(), r.result_code, r.count))
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-12-01", "credit-card", 0, 2),
            ("2026-12-01", "credit-card", 4000006, 1),
            ("2026-12-02", "business", 0, 1),
        ]
    );
    // The days before the first one kept are deleted.
    assert_eq!(store.sweep_usage_stats("2026-12-02").await.unwrap(), 2);
    let days: Vec<String> = store
        .usage(&app_key, "2026-01-01", "2026-12-31")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.day)
        .collect();
    assert_eq!(days, ["2026-12-02", "2026-12-03"]);
}

#[tokio::test]
async fn a_regenerated_secret_replaces_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (app_key, old) = store.create_app_key(DEFAULT_PROJECT_ID).await.unwrap();
    let new = store.regenerate_secret(&app_key).await.unwrap().unwrap();
    assert_ne!(new, old);
    assert!(store.verify_secret(&app_key, &new).await.unwrap());
    assert!(!store.verify_secret(&app_key, &old).await.unwrap());
    assert_eq!(store.regenerate_secret("unknown").await.unwrap(), None);
}

/// The PostgreSQL migrations are the SQLite ones with PostgreSQL's types:
/// the two schemas cannot drift apart.
#[test]
fn the_postgres_migrations_are_the_sqlite_ones_with_postgres_types() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let statements = |path: std::path::PathBuf| -> String {
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .map(|line| line.split("--").next().unwrap_or("").trim_end())
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut names: Vec<_> = std::fs::read_dir(root.join("sqlite"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for name in names {
        let sqlite = statements(root.join("sqlite").join(&name));
        let postgres = statements(root.join("postgres").join(&name));
        let expected = sqlite
            .split_inclusive(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .map(|token| {
                let word = token.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
                let rest = &token[word.len()..];
                match word {
                    "INTEGER" => format!("BIGINT{rest}"),
                    "BLOB" => format!("BYTEA{rest}"),
                    _ => token.to_owned(),
                }
            })
            .collect::<String>();
        // Column alignment may differ; compare word by word.
        let words = |text: &str| {
            text.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&postgres), words(&expected), "{name:?}");
    }
    assert_eq!(
        std::fs::read_dir(root.join("postgres")).unwrap().count(),
        std::fs::read_dir(root.join("sqlite")).unwrap().count()
    );
}
