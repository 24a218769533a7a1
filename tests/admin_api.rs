//! Black-box tests of the admin HTTP API (`/admin/v1/...`, API.md §5)
//! against a real server: the operator token, every operation and the
//! codes of §5.

mod common;

use common::{image_form, Answer, Server};
use serde_json::{json, Value};

const OPERATOR_TOKEN: &str = "operator-token-for-the-black-box-tests";

/// A server with the admin API.
fn server() -> Server {
    Server::start(&[("DOCREC_ADMIN_TOKEN", OPERATOR_TOKEN)])
}

/// Sends `method path` with the operator token and `body` (JSON) if any.
fn call(server: &Server, method: &str, path: &str, body: Option<Value>) -> Answer {
    let url = server.url(&format!("/admin/v1{path}"));
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server
        .client
        .request(method, url)
        .header("Authorization", format!("Bearer {OPERATOR_TOKEN}"));
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    server.send(request)
}

/// `call` that must succeed; gives the result.
fn ok(server: &Server, method: &str, path: &str, body: Option<Value>) -> Value {
    call(server, method, path, body).assert_success().clone()
}

#[test]
fn the_admin_api_needs_the_operator_token_and_is_off_without_one() {
    let server = server();
    let url = server.url("/admin/v1/projects");
    server.send(server.client.get(&url)).assert_failure(4000005);
    for wrong in [
        "Bearer nope",
        "operator-token-for-the-black-box-tests",
        "Basic x",
    ] {
        server
            .send(server.client.get(&url).header("Authorization", wrong))
            .assert_failure(401);
    }
    ok(&server, "GET", "/projects", None);

    let without = common::shared();
    without
        .send(
            without
                .client
                .get(without.url("/admin/v1/projects"))
                .header("Authorization", format!("Bearer {OPERATOR_TOKEN}")),
        )
        .assert_failure(4041007);
}

#[test]
fn a_team_is_set_up_enabled_limited_and_removed_over_the_admin_api() {
    let server = server();
    let project = ok(
        &server,
        "POST",
        "/projects",
        Some(json!({"name": "payments"})),
    );
    let project_id = project["projectId"].as_str().unwrap().to_owned();
    let user = ok(&server, "POST", "/users", Some(json!({"name": "kim"})));
    let user_id = user["userId"].as_str().unwrap().to_owned();
    let members = format!("/projects/{project_id}/members/{user_id}");
    ok(&server, "PUT", &members, Some(json!({"role": "admin"})));
    let keys = ok(
        &server,
        "POST",
        &format!("/projects/{project_id}/app-keys"),
        None,
    );
    let app_key = keys["appKey"].as_str().unwrap().to_owned();
    let secret_key = keys["secretKey"].as_str().unwrap().to_owned();
    let access = ok(
        &server,
        "POST",
        &format!("/users/{user_id}/access-keys"),
        None,
    );

    let shown = ok(&server, "GET", &format!("/projects/{project_id}"), None);
    assert_eq!(shown["appKeys"], json!([app_key]));
    assert_eq!(
        shown["members"],
        json!([{"userId": user_id, "role": "admin"}])
    );
    let listed = ok(&server, "GET", "/projects", None);
    assert!(listed["projects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["projectId"] == project_id.as_str() && p["name"] == "payments"));

    // The service-use workflow: the admin member submits, the operator
    // approves.
    let services = format!("/app-keys/{app_key}/services");
    let states = ok(&server, "GET", &services, None);
    assert!(states["services"]
        .as_array()
        .unwrap()
        .contains(&json!({"service": "id-card", "state": "NOT_ENABLED"})));
    let on_behalf = Some(json!({"userId": user_id}));
    let submitted = ok(
        &server,
        "POST",
        &format!("{services}/id-card/submit"),
        on_behalf.clone(),
    );
    assert_eq!(submitted["state"], "IN_PROGRESS");
    call(&server, "POST", &format!("{services}/id-card/submit"), None).assert_failure(4000402);
    call(
        &server,
        "POST",
        &format!("{services}/id-card/approve"),
        on_behalf,
    )
    .assert_failure(4010005);
    let approved = ok(
        &server,
        "POST",
        &format!("{services}/id-card/approve"),
        None,
    );
    assert_eq!(approved["state"], "ENABLED");
    call(&server, "POST", &format!("{services}/id-card/reject"), None).assert_failure(4000403);
    call(&server, "POST", &format!("{services}/id-card/submit"), None).assert_failure(4000404);
    call(
        &server,
        "POST",
        &format!("{services}/id-card/explode"),
        None,
    )
    .assert_failure(4041007);
    call(
        &server,
        "POST",
        &format!("{services}/passport/submit"),
        None,
    )
    .assert_failure(4000001);

    // Limits and usage.
    let limits = format!("/app-keys/{app_key}/limits");
    ok(
        &server,
        "PUT",
        &format!("{limits}/credit-card"),
        Some(json!({"perDay": 1})),
    );
    let shown = ok(&server, "GET", &limits, None);
    assert!(shown["limits"].as_array().unwrap().contains(
        &json!({"service": "credit-card", "perSecond": null, "perDay": 1, "perMonth": null})
    ));
    call(
        &server,
        "PUT",
        &format!("{limits}/credit-card"),
        Some(json!({"perDay": -1})),
    )
    .assert_failure(4000001);
    call(
        &server,
        "PUT",
        &format!("{limits}/credit-card"),
        Some(json!({"perWeek": 1})),
    )
    .assert_failure(4000001);
    let empty = || image_form(b"", "card.png");
    server
        .post_card_as(&app_key, Some(&secret_key), empty())
        .assert_failure(4000004);
    server
        .post_card_as(&app_key, Some(&secret_key), empty())
        .assert_failure(4000006);
    let mut counted = Value::Null;
    for _ in 0..50 {
        counted = ok(&server, "GET", &format!("/app-keys/{app_key}/usage"), None);
        if counted["usage"].as_array().unwrap().len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let codes: Vec<(i64, i64)> = counted["usage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["resultCode"].as_i64().unwrap(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(codes, [(4000004, 1), (4000006, 1)], "{counted}");
    call(
        &server,
        "GET",
        &format!("/app-keys/{app_key}/usage?from=2026-13"),
        None,
    )
    .assert_failure(4000001);
    ok(
        &server,
        "PUT",
        &format!("{limits}/credit-card"),
        Some(json!({})),
    );

    // A new secretKey replaces the old one at once.
    let renewed = ok(
        &server,
        "POST",
        &format!("/app-keys/{app_key}/secret-key"),
        None,
    );
    let new_secret = renewed["secretKey"].as_str().unwrap();
    assert_ne!(new_secret, secret_key);
    server
        .post_card_as(&app_key, Some(&secret_key), empty())
        .assert_failure(4010001);
    server
        .post_card_as(&app_key, Some(new_secret), empty())
        .assert_failure(4000004);

    // Ending things.
    let access_key_id = access["accessKeyId"].as_str().unwrap();
    ok(
        &server,
        "DELETE",
        &format!("/access-keys/{access_key_id}"),
        None,
    );
    call(
        &server,
        "DELETE",
        &format!("/access-keys/{access_key_id}"),
        None,
    )
    .assert_failure(4000001);
    ok(&server, "DELETE", &members, None);
    call(&server, "DELETE", &members, None).assert_failure(4010003);
    ok(&server, "DELETE", &format!("/projects/{project_id}"), None);
    call(&server, "GET", &format!("/projects/{project_id}"), None).assert_failure(4010004);
    server
        .post_card_as(&app_key, Some(new_secret), empty())
        .assert_failure(4010001);
}

#[test]
fn bad_ids_and_bodies_get_the_codes_of_api_md_5() {
    let server = server();
    let project = ok(&server, "POST", "/projects", Some(json!({"name": "p"})));
    let project_id = project["projectId"].as_str().unwrap();
    let unknown = "6f1c1a2e-1111-4222-8333-444455556666";
    for id in ["not-a-uuid", unknown] {
        call(&server, "GET", &format!("/projects/{id}"), None).assert_failure(4010004);
        call(&server, "DELETE", &format!("/projects/{id}"), None).assert_failure(4010004);
        call(&server, "POST", &format!("/projects/{id}/app-keys"), None).assert_failure(4010004);
        call(
            &server,
            "PUT",
            &format!("/projects/{project_id}/members/{id}"),
            Some(json!({"role": "member"})),
        )
        .assert_failure(4010002);
        call(&server, "POST", &format!("/users/{id}/access-keys"), None).assert_failure(4010002);
    }
    call(&server, "POST", "/projects", Some(json!({"title": "x"}))).assert_failure(4000001);
    let raw = server.send(
        server
            .client
            .post(server.url("/admin/v1/projects"))
            .header("Authorization", format!("Bearer {OPERATOR_TOKEN}"))
            .body("not json"),
    );
    raw.assert_failure(4000001);
    let user = ok(&server, "POST", "/users", Some(json!({"name": "u"})));
    let user_id = user["userId"].as_str().unwrap();
    call(
        &server,
        "PUT",
        &format!("/projects/{project_id}/members/{user_id}"),
        Some(json!({"role": "boss"})),
    )
    .assert_failure(4000001);
    call(&server, "POST", "/app-keys/unknown/secret-key", None).assert_failure(4010001);
    call(&server, "GET", "/app-keys/unknown/services", None).assert_failure(4010001);
    call(&server, "GET", "/app-keys/unknown/limits", None).assert_failure(4010001);
}

#[test]
fn answers_carrying_secrets_are_not_to_be_cached() {
    let server = server();
    let project = ok(&server, "POST", "/projects", Some(json!({"name": "cache"})));
    let project_id = project["projectId"].as_str().unwrap();
    let user = ok(&server, "POST", "/users", Some(json!({"name": "lee"})));
    let user_id = user["userId"].as_str().unwrap();
    for (path, secret) in [
        (format!("/projects/{project_id}/app-keys"), "secretKey"),
        (format!("/users/{user_id}/access-keys"), "secretAccessKey"),
    ] {
        let response = server
            .client
            .post(server.url(&format!("/admin/v1{path}")))
            .header("Authorization", format!("Bearer {OPERATOR_TOKEN}"))
            .send()
            .expect("an admin answer");
        let cache_control = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Value = response.json().expect("a JSON answer");
        assert!(body["result"][secret].is_string(), "{body}");
        assert_eq!(cache_control.as_deref(), Some("no-store"), "{path}");
    }
}

#[test]
fn metrics_and_the_admin_api_move_to_their_own_listener() {
    let port = common::free_port();
    let management = format!("127.0.0.1:{port}");
    let server = Server::start(&[
        ("DOCREC_ADMIN_TOKEN", OPERATOR_TOKEN),
        ("DOCREC_ADMIN_LISTEN", &management),
    ]);
    let operator = format!("Bearer {OPERATOR_TOKEN}");
    // Not on the public listener...
    server
        .send(server.client.get(server.url("/metrics")))
        .assert_failure(4041007);
    server
        .send(
            server
                .client
                .get(server.url("/admin/v1/projects"))
                .header("Authorization", &operator),
        )
        .assert_failure(4041007);
    // ...but on the management one, which serves nothing else.
    let metrics = server
        .client
        .get(format!("http://{management}/metrics"))
        .send()
        .expect("the management listener");
    assert_eq!(metrics.status().as_u16(), 200);
    assert!(metrics.text().unwrap().contains("docrec_requests_total"));
    server
        .send(
            server
                .client
                .get(format!("http://{management}/admin/v1/projects"))
                .header("Authorization", &operator),
        )
        .assert_success();
    server
        .send(
            server
                .client
                .get(format!("http://{management}/v1.0/appkeys/x/credit-card")),
        )
        .assert_failure(4041007);
}
