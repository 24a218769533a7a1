//! Black-box tests of docrec on PostgreSQL (`DATABASE_URL`): a database
//! that goes away answers 5000003 within a bounded time, without a hang or
//! a panic, with the database's error in the request's log line, the
//! retention sweeper counts its failures, and the node
//! recovers when it is back. Each test runs its own
//! cluster (`scripts/postgres.sh`, Debian's postgresql package), since it
//! stops it.

mod common;

use std::time::{Duration, Instant};

use common::{image_form, Cluster, Server, TestDatabase, APP_KEY, SECRET};

/// The credit-card route with an empty image: 4000004 once the secretKey
/// (read from the database) passed; no recognition.
fn authenticated_request(server: &Server) -> common::Answer {
    server.post_card(image_form(b"", "card.png"))
}

#[test]
fn a_database_that_goes_away_answers_5000003_in_bounded_time_and_the_node_recovers() {
    let cluster = Cluster::start();
    let database = TestDatabase::create(&cluster.admin_url);
    let server = Server::start_on(&database, &[("DOCREC_SWEEP_SECONDS", "1")]);
    authenticated_request(&server).assert_failure(4000004);

    cluster.stop();
    for _ in 0..2 {
        let started = Instant::now();
        authenticated_request(&server).assert_failure(5000003);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
    }
    // The request's log line says what failed underneath the code.
    assert!(
        server.logged(|line| line.contains("request failed") && line.contains("database error")),
        "{}",
        server.stderr()
    );
    for probe in ["/health", "/ready"] {
        server
            .send(server.client.get(server.url(probe)))
            .assert_failure(5000003);
    }
    // The sweeper fails too, says so in /metrics, and goes on.
    let sweep_failures = r#"docrec_retention_sweep_failures_total{data="request_keys"}"#;
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.metric(sweep_failures).unwrap_or_default() < 1.0 {
        assert!(Instant::now() < deadline, "no failed sweep in /metrics");
        std::thread::sleep(Duration::from_millis(200));
    }

    cluster.resume();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = authenticated_request(&server);
        if answer.body["header"]["resultCode"] == 4000004 {
            break;
        }
        answer.assert_failure(5000003);
        assert!(Instant::now() < deadline, "the node did not recover");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
    // A request that needs the database to write works again too.
    let public_key = server.url(&format!("/v2.0/appkeys/{APP_KEY}/public-keys/id-card"));
    server
        .send(
            server
                .client
                .get(public_key)
                .header("Authorization", SECRET),
        )
        .assert_success();
}

#[test]
fn a_node_without_the_master_key_refuses_to_start_on_postgres() {
    let out = common::docrec()
        .arg("serve")
        .env("DATABASE_URL", "postgres://docrec@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("set DOCREC_MASTER_KEY (or DOCREC_MASTER_KEY_FILE) too"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_quota_holds_in_total_across_two_nodes_sharing_the_database() {
    let cluster = Cluster::start();
    let database = TestDatabase::create(&cluster.admin_url);
    let node_a = Server::start_on(&database, &[]);
    let node_b = Server::start_on(&database, &[]);
    common::set_limit(&node_a, "credit-card", "--per-day", 5);
    // Eight requests, alternating, two at a time from two threads.
    let admitted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = [&node_a, &node_b]
            .into_iter()
            .map(|node| {
                scope.spawn(move || {
                    (0..4)
                        .filter(|_| {
                            let answer = authenticated_request(node);
                            let code = answer.body["header"]["resultCode"].as_i64().unwrap();
                            assert!(code == 4000004 || code == 4000006, "{}", answer.body);
                            code == 4000004
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(admitted, 5);
}

#[test]
fn postgres_is_reached_over_tls_with_its_certificate_verified() {
    let cluster = Cluster::start();
    let database = TestDatabase::create(&cluster.admin_url);
    let verified = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        database.url,
        cluster.ca_file().display()
    );
    let server = Server::start_on(&database, &[("DATABASE_URL", &verified)]);
    authenticated_request(&server).assert_failure(4000004);
    // Every connection of the node's database is encrypted.
    let name = database.url.rsplit('/').next().unwrap();
    let sessions = |ssl: &str| {
        common::psql(
            &cluster.admin_url,
            &format!(
                "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
                 WHERE a.datname = '{name}' AND s.ssl = {ssl}"
            ),
        )
    };
    assert_ne!(sessions("true"), "0");
    assert_eq!(sessions("false"), "0");
    drop(server);

    // A certificate the given CA did not sign is not believed.
    let other = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("openssl")
        .current_dir(other.path())
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=another CA"])
        .args(["-keyout", "ca.key", "-out", "ca.pem"])
        .output()
        .expect("running openssl");
    assert!(made.status.success());
    let unverified = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        database.url,
        other.path().join("ca.pem").display()
    );
    let out = common::docrec()
        .arg("serve")
        .env("DATABASE_URL", &unverified)
        .env("DOCREC_MASTER_KEY", common::TEST_MASTER_KEY)
        .env("DOCREC_DATA_DIR", other.path().join("data"))
        .env("DOCREC_LISTEN", "127.0.0.1:0")
        .env("DOCREC_WORKERS", "1")
        .output()
        .unwrap();
    assert!(!out.status.success(), "started with an unverified database");
}
