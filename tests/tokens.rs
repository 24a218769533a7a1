//! Black-box tests of access tokens and the v1.1/v2.1 authentication
//! (API.md §2) and of the project, user and role commands (§5), against a
//! real `docrec serve` and its SQLite database.

mod common;

use std::time::Duration;

use common::{admin, image_form, Answer, Member, Server};
use docrec_synth::Level;
use serde_json::Value;

/// A clean synthetic card that every version reads right.
const CARD_SEED: u64 = 2;

/// POSTs `form` to the v1.1 credit-card route of `app_key` with
/// `X-NHN-Authorization: header` when one is given.
fn post_card_v1_1(
    server: &Server,
    app_key: &str,
    header: Option<&str>,
    form: common::Multipart,
) -> Answer {
    let url = server.url(&format!("/v1.1/appkeys/{app_key}/credit-card"));
    let mut request = server.client.post(url);
    if let Some(header) = header {
        request = request.header("X-NHN-Authorization", header);
    }
    server.send(form.attach(request))
}

/// A form the card route refuses after authentication (4000004): proof
/// that authentication passed, without recognising anything.
fn empty_image() -> common::Multipart {
    image_form(b"", "card.png")
}

#[test]
fn a_token_is_made_from_a_users_access_key_as_api_md_says() {
    let server = Server::start(&[]);
    let member = Member::new(&server, "member");

    let response = member.request_token(&server);
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("Cache-Control").unwrap(), "no-store");
    let body: Value = response.json().unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert!(body["access_token"].as_str().unwrap().len() >= 32);

    let token_url = server.url("/oauth2/token/create");
    let form = "grant_type=client_credentials";
    let ask = |id: Option<(&str, &str)>, body: &str| {
        let mut request = server
            .client
            .post(&token_url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some((id, secret)) = id {
            request = request.basic_auth(id, Some(secret));
        }
        server.send(request)
    };
    ask(None, form).assert_failure(4000005);
    ask(Some((&member.access_key_id, "wrong")), form).assert_failure(401);
    ask(Some(("unknown", &member.secret_access_key)), form).assert_failure(401);
    let right = Some((
        member.access_key_id.as_str(),
        member.secret_access_key.as_str(),
    ));
    ask(right, "grant_type=password").assert_failure(4000001);
    ask(right, "").assert_failure(4000001);
    ask(right, &"x".repeat(10_000)).assert_failure(4000001);
    server
        .send(server.client.get(&token_url))
        .assert_failure(405);
}

#[test]
fn a_members_token_reads_on_v1_1_what_the_secret_key_reads_on_v1_0() {
    let server = Server::start(&[]);
    let member = Member::new(&server, "member");
    let bearer = format!("Bearer {}", member.token(&server));
    let card = docrec_synth::credit_card(CARD_SEED, Level::Clean).unwrap();

    let via_token = post_card_v1_1(
        &server,
        &member.app_key,
        Some(&bearer),
        image_form(&card.encoded, &card.truth.file),
    );
    let via_secret = server.post_card_as(
        &member.app_key,
        Some(&member.secret_key),
        image_form(&card.encoded, &card.truth.file),
    );
    let result = via_token.assert_success();
    assert_eq!(result["totalCardNum"], card.truth.total_card_num);
    assert_eq!(result, via_secret.assert_success());

    // The other v1.1 routes pass authentication too.
    let business = server.url(&format!("/v1.1/appkeys/{}/business", member.app_key));
    server
        .send(
            empty_image().attach(
                server
                    .client
                    .post(business)
                    .header("X-NHN-Authorization", &bearer),
            ),
        )
        .assert_failure(4000004);
    let status = server.url(&format!("/v1.1/appkeys/{}/business/status", member.app_key));
    server
        .send(
            server
                .client
                .post(status)
                .header("X-NHN-Authorization", &bearer)
                .header("Content-Type", "application/json")
                .body(r#"{"businessNumber": "1234567891"}"#),
        )
        .assert_failure(4000102);
    // And a secretKey is no way into v1.1.
    let answer = server.send(
        empty_image().attach(
            server
                .client
                .post(server.url(&format!("/v1.1/appkeys/{}/credit-card", member.app_key)))
                .header("Authorization", &member.secret_key),
        ),
    );
    answer.assert_failure(4000005);
}

#[test]
fn bearer_tokens_of_strangers_viewers_and_bad_tokens_get_their_codes() {
    let server = Server::start(&[]);
    let member = Member::new(&server, "admin");
    let stranger = Member::new(&server, "owner");
    let bearer = format!("Bearer {}", member.token(&server));
    let post = |app_key: &str, header: Option<&str>| {
        post_card_v1_1(&server, app_key, header, empty_image())
    };

    post(&member.app_key, Some(&bearer)).assert_failure(4000004);
    post(&member.app_key, None).assert_failure(4000005);
    for bad in ["", "Bearer", "Bearer nonsense", "Basic abc", &bearer[7..]] {
        post(&member.app_key, Some(bad)).assert_failure(4010006);
    }
    post("noSuchAppKey0000000", Some(&bearer)).assert_failure(4010001);
    post(&stranger.app_key, Some(&bearer)).assert_failure(4010007);

    admin(
        &server,
        &[
            "member",
            "set",
            "--project",
            &member.project,
            "--user",
            &member.user,
            "--role",
            "viewer",
        ],
    );
    post(&member.app_key, Some(&bearer)).assert_failure(4010005);
    admin(
        &server,
        &[
            "member",
            "remove",
            "--project",
            &member.project,
            "--user",
            &member.user,
        ],
    );
    post(&member.app_key, Some(&bearer)).assert_failure(4010007);

    // Deleting the access key revokes its tokens.
    let stranger_bearer = format!("Bearer {}", stranger.token(&server));
    post(&stranger.app_key, Some(&stranger_bearer)).assert_failure(4000004);
    admin(&server, &["access-key", "delete", &stranger.access_key_id]);
    post(&stranger.app_key, Some(&stranger_bearer)).assert_failure(4010006);
}

#[test]
fn tokens_expire() {
    let server = Server::start(&[("DOCREC_TOKEN_TTL_SECONDS", "1")]);
    let member = Member::new(&server, "member");
    let response = member.request_token(&server);
    let body: Value = response.json().unwrap();
    assert_eq!(body["expires_in"], 1);
    let bearer = format!("Bearer {}", body["access_token"].as_str().unwrap());
    std::thread::sleep(Duration::from_secs(2));
    post_card_v1_1(&server, &member.app_key, Some(&bearer), empty_image()).assert_failure(4010006);
}

#[test]
fn deleting_a_project_deletes_its_app_keys_and_nothing_else() {
    let server = Server::start(&[]);
    let doomed = Member::new(&server, "owner");
    let kept = Member::new(&server, "owner");
    let bearer = format!("Bearer {}", doomed.token(&server));
    server
        .post_card_as(&doomed.app_key, Some(&doomed.secret_key), empty_image())
        .assert_failure(4000004);

    let printed = admin(&server, &["project", "delete", &doomed.project]);
    assert!(printed.contains("deleted project"), "{printed}");

    server
        .post_card_as(&doomed.app_key, Some(&doomed.secret_key), empty_image())
        .assert_failure(4010001);
    post_card_v1_1(&server, &doomed.app_key, Some(&bearer), empty_image()).assert_failure(4010001);
    server
        .post_card_as(&kept.app_key, Some(&kept.secret_key), empty_image())
        .assert_failure(4000004);
    let renewed = admin(&server, &["app-key", "regenerate-secret", &kept.app_key]);
    let new_secret = common::printed_value(&renewed, "secretKey");
    server
        .post_card_as(&kept.app_key, Some(&kept.secret_key), empty_image())
        .assert_failure(4010001);
    server
        .post_card_as(&kept.app_key, Some(&new_secret), empty_image())
        .assert_failure(4000004);
    let listed = admin(&server, &["project", "list"]);
    assert!(!listed.contains(&doomed.project), "{listed}");
    assert!(listed.contains(&kept.project), "{listed}");
    let shown = admin(&server, &["project", "show", &kept.project]);
    assert!(
        shown.contains(&format!("appKey: {}", kept.app_key)),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("member: {} owner", kept.user)),
        "{shown}"
    );
}

#[test]
fn admin_commands_answer_the_codes_of_api_md_5() {
    let server = Server::start(&[]);
    let member = Member::new(&server, "member");
    let other = common::printed_value(&admin(&server, &["user", "create", "lee"]), "user");
    let unknown = "6f1c1a2e-1111-4222-8333-444455556666";
    let fails_with = |args: &[&str], code: &str| {
        let out = server.cli().arg("admin").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(code), "{args:?}: {stderr}");
    };
    for project in ["not-a-uuid", unknown] {
        fails_with(&["project", "delete", project], "4010004 INVALID_PROJECT");
        fails_with(&["project", "show", project], "4010004 INVALID_PROJECT");
        fails_with(&["app-key", "create", "--project", project], "4010004");
    }
    for user in ["not-a-uuid", unknown] {
        fails_with(
            &[
                "member",
                "set",
                "--project",
                &member.project,
                "--user",
                user,
                "--role",
                "member",
            ],
            "4010002 INVALID_UUID",
        );
        fails_with(&["access-key", "create", "--user", user], "4010002");
    }
    fails_with(
        &[
            "member",
            "remove",
            "--project",
            &member.project,
            "--user",
            &other,
        ],
        "4010003 NOT_ALLOWED_USER",
    );
    fails_with(
        &[
            "member",
            "set",
            "--project",
            &member.project,
            "--user",
            &other,
            "--role",
            "boss",
        ],
        "--role must be",
    );
}

#[test]
fn secrets_and_tokens_are_stored_only_as_hashes() {
    let server = Server::start(&[]);
    let member = Member::new(&server, "member");
    let token = member.token(&server);
    let stored = server.stored_and_logged();
    assert!(stored
        .windows(member.app_key.len())
        .any(|w| w == member.app_key.as_bytes()));
    for secret in [&member.secret_key, &member.secret_access_key, &token] {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a secret is stored or logged in plaintext"
        );
    }
}
