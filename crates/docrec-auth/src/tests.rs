//! Auth on a real SQLite store in a temporary directory.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use docrec_store::{Service, ServiceState};

use super::*;

const HOUR: Duration = Duration::from_secs(3600);

/// A result with its error as the code it answers, to compare.
trait Codes<T> {
    fn codes(self) -> Result<T, ErrorCode>;
}

impl<T> Codes<T> for Result<T, AuthError> {
    fn codes(self) -> Result<T, ErrorCode> {
        self.map_err(|e| docrec_errors::ToErrorCode::error_code(&e))
    }
}

async fn auth(dir: &tempfile::TempDir) -> Auth {
    let store = Store::open_sqlite(dir.path()).await.expect("store");
    Auth::new(&store, HOUR)
}

fn basic(id: &str, secret: &str) -> Vec<u8> {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))).into_bytes()
}

async fn token_at(auth: &Auth, id: &str, secret: &str, now: i64) -> AccessToken {
    let checked = auth
        .check_access_key(Some(&basic(id, secret)))
        .await
        .unwrap();
    assert_eq!(checked, id);
    auth.create_token(&checked, now).await.unwrap()
}

fn bearer(token: &AccessToken) -> Vec<u8> {
    format!("Bearer {}", token.token.as_str()).into_bytes()
}

/// A project with an appKey, and a user with an access key who is a
/// member with `role`: (auth, appKey, project id, user id, access key).
async fn member_with(
    dir: &tempfile::TempDir,
    role: Role,
) -> (Auth, String, String, String, (String, String)) {
    let auth = auth(dir).await;
    let project = auth.create_project("team").await.unwrap();
    let (app_key, _) = auth.create_app_key(&project.id).await.unwrap();
    let user = auth.create_user("kim").await.unwrap();
    auth.set_member(&project.id, &user.id, role).await.unwrap();
    let access_key = auth.create_access_key(&user.id).await.unwrap();
    (auth, app_key, project.id, user.id, access_key)
}

#[tokio::test]
async fn a_members_token_opens_the_app_keys_apis_until_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let (auth, app_key, _, user_id, (id, secret)) = member_with(&dir, Role::Member).await;

    let token = token_at(&auth, &id, &secret, 1000).await;

    assert_eq!(token.expires_in, 3600);
    assert_eq!(token.token.len(), 43);
    assert_eq!(
        auth.check_bearer(&app_key, Some(&bearer(&token)), 1000)
            .await
            .codes(),
        Ok(user_id)
    );
    assert_eq!(
        auth.check_bearer(&app_key, Some(&bearer(&token)), 4600)
            .await
            .codes(),
        Err(ErrorCode::InvalidToken)
    );
    assert_eq!(auth.sweep_tokens(4600).await.codes(), Ok(1));
}

#[tokio::test]
async fn bad_bearer_headers_and_strangers_get_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (auth, app_key, _, _, (id, secret)) = member_with(&dir, Role::Admin).await;
    let token = token_at(&auth, &id, &secret, 0).await;
    let check = |header: Option<Vec<u8>>, app_key: String| {
        let auth = auth.clone();
        async move { auth.check_bearer(&app_key, header.as_deref(), 0).await }
    };

    assert_eq!(
        check(None, app_key.clone()).await.codes(),
        Err(ErrorCode::MissingRequiredHeader)
    );
    for header in ["", "Bearer ", "Basic abc", "Bearer not-a-token", "bearer x"] {
        assert_eq!(
            check(Some(header.as_bytes().to_vec()), app_key.clone())
                .await
                .codes(),
            Err(ErrorCode::InvalidToken),
            "{header:?}"
        );
    }
    assert_eq!(
        check(Some(token.token.as_bytes().to_vec()), app_key.clone())
            .await
            .codes(),
        Err(ErrorCode::InvalidToken),
        "a token without its scheme"
    );
    assert_eq!(
        check(Some(bearer(&token)), "unknown".to_owned())
            .await
            .codes(),
        Err(ErrorCode::InvalidAppkeySecretkey)
    );
    let other = auth.create_project("other").await.unwrap();
    let (other_key, _) = auth.create_app_key(&other.id).await.unwrap();
    assert_eq!(
        check(Some(bearer(&token)), other_key).await.codes(),
        Err(ErrorCode::PermissionDenied)
    );
}

#[tokio::test]
async fn a_viewer_may_not_call_and_a_removed_member_is_a_stranger() {
    let dir = tempfile::tempdir().unwrap();
    let (auth, app_key, project_id, user_id, (id, secret)) = member_with(&dir, Role::Viewer).await;
    let token = token_at(&auth, &id, &secret, 0).await;

    assert_eq!(
        auth.check_bearer(&app_key, Some(&bearer(&token)), 0)
            .await
            .codes(),
        Err(ErrorCode::UnauthorizedRole)
    );
    auth.set_member(&project_id, &user_id, Role::Owner)
        .await
        .unwrap();
    assert!(auth
        .check_bearer(&app_key, Some(&bearer(&token)), 0)
        .await
        .is_ok());
    auth.remove_member(&project_id, &user_id).await.unwrap();
    assert_eq!(
        auth.check_bearer(&app_key, Some(&bearer(&token)), 0)
            .await
            .codes(),
        Err(ErrorCode::PermissionDenied)
    );
    assert_eq!(
        auth.remove_member(&project_id, &user_id).await.codes(),
        Err(ErrorCode::NotAllowedUser)
    );
}

#[tokio::test]
async fn tokens_are_made_only_for_right_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let (auth, _, _, _, (id, secret)) = member_with(&dir, Role::Member).await;

    assert_eq!(
        auth.check_access_key(None).await.codes(),
        Err(ErrorCode::MissingRequiredHeader)
    );
    let wrong: [Vec<u8>; 5] = [
        basic(&id, "wrong"),
        basic("unknown", &secret),
        b"Basic !!!".to_vec(),
        format!("Basic {}", STANDARD.encode(&id)).into_bytes(),
        format!("Bearer {secret}").into_bytes(),
    ];
    for header in wrong {
        assert_eq!(
            auth.check_access_key(Some(&header)).await.codes(),
            Err(ErrorCode::Unauthorized)
        );
    }
}

#[tokio::test]
async fn deleting_an_access_key_revokes_its_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let (auth, app_key, _, _, (id, secret)) = member_with(&dir, Role::Member).await;
    let token = token_at(&auth, &id, &secret, 0).await;

    auth.delete_access_key(&id).await.unwrap();

    assert_eq!(
        auth.check_bearer(&app_key, Some(&bearer(&token)), 0)
            .await
            .codes(),
        Err(ErrorCode::InvalidToken)
    );
    assert_eq!(
        auth.delete_access_key(&id).await.codes(),
        Err(ErrorCode::InvalidParameter)
    );
}

#[tokio::test]
async fn ids_that_are_no_uuid_or_nobodys_get_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    let auth = auth(&dir).await;
    let project = auth.create_project("team").await.unwrap();
    let user = auth.create_user("kim").await.unwrap();
    let unknown = "6f1c1a2e-1111-4222-8333-444455556666";

    for bad in ["", "not-a-uuid", unknown] {
        assert_eq!(
            auth.create_app_key(bad).await.codes().err(),
            Some(ErrorCode::InvalidProject)
        );
        assert_eq!(
            auth.set_member(bad, &user.id, Role::Member).await.codes(),
            Err(ErrorCode::InvalidProject)
        );
        assert_eq!(
            auth.set_member(&project.id, bad, Role::Member)
                .await
                .codes(),
            Err(ErrorCode::InvalidUuid)
        );
        assert_eq!(
            auth.create_access_key(bad).await.codes().err(),
            Some(ErrorCode::InvalidUuid)
        );
        assert_eq!(
            auth.delete_project(bad).await.codes(),
            Err(ErrorCode::InvalidProject)
        );
    }
    // Ids are read in any case.
    auth.set_member(&project.id.to_uppercase(), &user.id, Role::Member)
        .await
        .unwrap();
    let (_, members) = auth.project_contents(&project.id).await.unwrap();
    assert_eq!(members.len(), 1);

    auth.delete_project(&project.id).await.unwrap();
    assert_eq!(
        auth.delete_project(&project.id).await.codes(),
        Err(ErrorCode::InvalidProject)
    );
    assert!(auth
        .projects()
        .await
        .unwrap()
        .iter()
        .all(|p| p.id != project.id));
}

#[tokio::test]
async fn a_use_request_is_submitted_by_an_owner_or_admin_and_decided_by_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let (auth, app_key, project_id, user_id, _) = member_with(&dir, Role::Member).await;
    let id_card = Service::IdCard;
    let state = || auth.service_state(&app_key, id_card);

    assert_eq!(state().await.codes(), Ok(ServiceState::NotEnabled));
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Submit, Some(&user_id), 1)
            .await
            .codes(),
        Err(ErrorCode::UnauthorizedRole)
    );
    let stranger = auth.create_user("lee").await.unwrap();
    assert_eq!(
        auth.take_service_step(
            &app_key,
            id_card,
            ServiceStep::Submit,
            Some(&stranger.id),
            1
        )
        .await
        .codes(),
        Err(ErrorCode::NotAllowedUser)
    );
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Submit, Some("nobody"), 1)
            .await
            .codes(),
        Err(ErrorCode::InvalidUuid)
    );
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Approve, None, 1)
            .await
            .codes(),
        Err(ErrorCode::ServiceUseRequestNotInProgress)
    );

    auth.set_member(&project_id, &user_id, Role::Admin)
        .await
        .unwrap();
    auth.take_service_step(&app_key, id_card, ServiceStep::Submit, Some(&user_id), 2)
        .await
        .unwrap();
    assert_eq!(state().await.codes(), Ok(ServiceState::InProgress));
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Approve, Some(&user_id), 2)
            .await
            .codes(),
        Err(ErrorCode::UnauthorizedRole),
        "only the operator approves"
    );
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Submit, None, 3)
            .await
            .codes(),
        Err(ErrorCode::ServiceUseRequestAlreadyInProgress)
    );
    auth.take_service_step(&app_key, id_card, ServiceStep::Cancel, Some(&user_id), 4)
        .await
        .unwrap();
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Cancel, None, 5)
            .await
            .codes(),
        Err(ErrorCode::ServiceUseRequestNotInProgress)
    );
    auth.take_service_step(&app_key, id_card, ServiceStep::Submit, None, 6)
        .await
        .unwrap();
    auth.take_service_step(&app_key, id_card, ServiceStep::Reject, None, 7)
        .await
        .unwrap();
    assert_eq!(state().await.codes(), Ok(ServiceState::NotEnabled));
    auth.take_service_step(&app_key, id_card, ServiceStep::Submit, None, 8)
        .await
        .unwrap();
    auth.take_service_step(&app_key, id_card, ServiceStep::Approve, None, 9)
        .await
        .unwrap();
    assert_eq!(state().await.codes(), Ok(ServiceState::Enabled));
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Submit, None, 10)
            .await
            .codes(),
        Err(ErrorCode::ServiceAlreadyEnabled)
    );
    assert_eq!(
        auth.take_service_step(&app_key, id_card, ServiceStep::Reject, None, 11)
            .await
            .codes(),
        Err(ErrorCode::ServiceUseRequestNotInProgress)
    );
    assert_eq!(
        auth.take_service_step("unknown", id_card, ServiceStep::Submit, None, 12)
            .await
            .codes(),
        Err(ErrorCode::InvalidAppkeySecretkey)
    );
    // The other services need no request.
    assert_eq!(
        auth.service_state(&app_key, Service::CreditCard)
            .await
            .codes(),
        Ok(ServiceState::Enabled)
    );
}

#[tokio::test]
async fn a_project_deletion_that_fails_answers_5000004_and_deletes_nothing() {
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    let auth = Auth::new(&store, HOUR);
    let project = auth.create_project("team").await.unwrap();
    let (app_key, secret) = auth.create_app_key(&project.id).await.unwrap();
    // Another process holds SQLite's write lock past the store's 5 s wait:
    // the project is found (readers are not blocked), its deletion fails.
    let file = dir.path().join(docrec_store::SQLITE_FILE_NAME);
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();

    assert_eq!(
        auth.delete_project(&project.id).await.codes(),
        Err(ErrorCode::ResourceDeleteFail)
    );

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert!(store.verify_secret(&app_key, &secret).await.unwrap());
    assert!(auth
        .projects()
        .await
        .unwrap()
        .iter()
        .any(|p| p.id == project.id));
}

#[tokio::test]
async fn usage_older_than_its_retention_is_swept() {
    let dir = tempfile::tempdir().unwrap();
    let auth = auth(&dir).await;
    let project = auth.create_project("team").await.unwrap();
    let (app_key, _) = auth.create_app_key(&project.id).await.unwrap();
    // 2026-12-02 00:30 KST, and the same moment 30 and 31 days before.
    let now = 1_796_139_000;
    for days_ago in [0, 30, 31] {
        auth.record_usage(
            &app_key,
            Service::CreditCard,
            ErrorCode::Success,
            now - days_ago * 86_400,
        )
        .await
        .unwrap();
    }
    assert_eq!(auth.sweep_usage(now, 30).await.unwrap(), 1);
    let days: Vec<String> = auth
        .usage(&app_key, "2026-01-01", "2026-12-31")
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.day)
        .collect();
    assert_eq!(days, ["2026-11-02", "2026-12-02"]);
}
