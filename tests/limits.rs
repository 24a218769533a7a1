//! Black-box tests of rate limits, quotas and usage statistics (API.md §5)
//! against a real server and the `docrec admin limits|usage` commands.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{admin, image_form, Server, APP_KEY};

/// A credit-card request that passes authentication and is refused for its
/// empty image (4000004): it counts against the limits without any
/// recognition.
fn cheap_request(server: &Server) -> i64 {
    let answer = server.post_card(image_form(b"", "card.png"));
    answer.body["header"]["resultCode"].as_i64().unwrap()
}

fn unix_second() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The `day service code count` lines of `docrec admin usage`, once the
/// server has counted `expected` requests (it counts after answering).
fn usage_lines(server: &Server, expected: i64) -> Vec<String> {
    for _ in 0..50 {
        let printed = admin(server, &["usage", "--app-key", APP_KEY]);
        let lines: Vec<String> = printed.lines().map(str::to_owned).collect();
        let counted: i64 = lines
            .iter()
            .filter_map(|l| l.rsplit(' ').next()?.parse::<i64>().ok())
            .sum();
        if counted >= expected {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the usage statistics never counted {expected} requests");
}

#[test]
fn a_daily_quota_answers_4000006_once_used_up_and_counts_only_admitted_requests() {
    let server = Server::start(&[]);
    let printed = common::set_limit(&server, "credit-card", "--per-day", 3);
    assert_eq!(
        printed.trim(),
        "credit-card: per second none, per day 3, per month none"
    );

    let codes: Vec<i64> = (0..5).map(|_| cheap_request(&server)).collect();
    assert_eq!(codes, [4000004, 4000004, 4000004, 4000006, 4000006]);
    // Other services have their own limits (none here).
    let business = server.post_business(b"", "page.png");
    business.assert_failure(4000004);

    let lines = usage_lines(&server, 6);
    let today_rows: Vec<&str> = lines.iter().map(|l| l.split_once(' ').unwrap().1).collect();
    assert_eq!(
        today_rows,
        [
            "business 4000004 1",
            "credit-card 4000004 3",
            "credit-card 4000006 2"
        ]
    );
    let shown = admin(&server, &["limits", "show", "--app-key", APP_KEY]);
    assert!(
        shown.contains("credit-card: per second none, per day 3, per month none"),
        "{shown}"
    );
    assert!(shown.contains("business: per second none, per day none, per month none"));

    // Raising the quota lets requests through again.
    common::set_limit(&server, "credit-card", "--per-day", 4);
    assert_eq!(cheap_request(&server), 4000004);
    assert_eq!(cheap_request(&server), 4000006);
}

#[test]
fn a_per_second_limit_admits_that_many_requests_in_a_second() {
    let server = Server::start(&[]);
    common::set_limit(&server, "credit-card", "--per-second", 2);
    // Three requests inside one wall-clock second: two pass. A batch that
    // straddles a second is tried again.
    for _ in 0..5 {
        let started = unix_second();
        let codes: Vec<i64> = (0..3).map(|_| cheap_request(&server)).collect();
        if unix_second() == started {
            assert_eq!(codes, [4000004, 4000004, 4000006]);
            return;
        }
        std::thread::sleep(Duration::from_millis(1100));
    }
    panic!("no three requests fit in one second");
}

#[test]
fn limits_of_an_unknown_app_key_or_below_zero_are_refused() {
    let server = common::shared();
    for (args, code) in [
        (
            vec![
                "limits",
                "set",
                "--app-key",
                "unknown",
                "--service",
                "business",
                "--per-day",
                "1",
            ],
            "4010001",
        ),
        (
            vec![
                "limits",
                "set",
                "--app-key",
                APP_KEY,
                "--service",
                "business",
                "--per-day=-1",
            ],
            "4000001",
        ),
        (vec!["usage", "--app-key", "unknown"], "4010001"),
    ] {
        let out = server.cli().arg("admin").args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(code), "{args:?}: {stderr}");
    }
}
