//! Black-box tests of the `docrec` command line: `error-codes`, `synth`,
//! `recognize`, `eval` and `bench`, run as processes.

mod common;

use std::path::Path;
use std::process::Output;

use common::{docrec, failure_envelope, shared, spec_table, success_header, APP_KEY, SECRET};
use serde_json::{json, Value};

fn run(args: &[&str]) -> Output {
    docrec()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running docrec {args:?}: {e}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 on stdout")
}

#[track_caller]
fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "{}; stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `docrec eval DIR` and asserts that its table has a row starting
/// with each of `rows`; gives the table.
#[track_caller]
fn eval_table(dir: &str, rows: &[&str]) -> String {
    let output = run(&["eval", dir]);
    assert_ok(&output);
    let text = stdout(&output);
    let first_words: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for row in rows {
        assert!(first_words.contains(row), "no {row} row in:\n{text}");
    }
    text
}

/// `docrec synth credit-card --n 3 --out DIR` (cycling clean, photo, hard).
fn synth_three(dir: &Path) -> Vec<Value> {
    let out = dir.to_str().expect("a UTF-8 path");
    let output = run(&["synth", "credit-card", "--n", "3", "--out", out]);
    assert_ok(&output);
    let truth = std::fs::read_to_string(dir.join("truth.jsonl")).expect("truth.jsonl");
    truth
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON truth line"))
        .collect()
}

#[test]
fn error_codes_json_holds_every_spec_row_in_order() {
    let output = run(&["error-codes", "--json"]);
    assert_ok(&output);
    let table: Vec<Value> = serde_json::from_str(&stdout(&output)).expect("a JSON array");
    assert_eq!(
        table[0],
        json!({"resultCode": 0, "resultKey": "SUCCESS", "resultMessage": "Success"})
    );
    for row in &table {
        let keys: Vec<&String> = row.as_object().expect("an object").keys().collect();
        assert_eq!(keys.len(), 3, "{row}");
    }
    // Every row of the spec, byte for byte, in the spec's order; extension
    // codes may sit between them.
    let mut position = 0;
    for (code, key, message) in spec_table() {
        let expected = json!({"resultCode": code, "resultKey": key, "resultMessage": message});
        let found = table[position..]
            .iter()
            .position(|row| *row == expected)
            .unwrap_or_else(|| panic!("{expected} missing, or out of order"));
        position += found + 1;
    }
}

#[test]
fn error_codes_prints_a_readable_table() {
    let output = run(&["error-codes"]);
    assert_ok(&output);
    let text = stdout(&output);
    for (code, key, message) in spec_table() {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(code.to_string().as_str()))
            .unwrap_or_else(|| panic!("no line for {code}"));
        assert!(line.contains(&key) && line.contains(&message), "{line}");
    }
}

#[test]
fn synth_writes_images_and_truth_lines() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let truths = synth_three(dir.path());
    assert_eq!(truths.len(), 3);
    let levels: Vec<&str> = truths
        .iter()
        .map(|t| t["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["clean", "photo", "hard"]);
    for truth in &truths {
        let file = truth["file"].as_str().expect("file");
        let bytes = std::fs::read(dir.path().join(file)).expect("the image the truth names");
        let decoded = image::load_from_memory(&bytes).expect("a decodable image");
        assert!(decoded.width() > 0);
        let groups: Vec<&str> = truth["cardNums"]
            .as_array()
            .expect("cardNums")
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert_eq!(groups.concat(), truth["totalCardNum"].as_str().unwrap());
    }
    // 3 images + truth.jsonl, nothing else.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}

#[test]
fn recognize_json_prints_one_envelope_per_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let truths = synth_three(dir.path());
    let files: Vec<String> = truths
        .iter()
        .map(|t| {
            let path = dir.path().join(t["file"].as_str().unwrap());
            path.to_str().unwrap().to_owned()
        })
        .collect();
    let mut args = vec!["recognize", "credit-card", "--json"];
    args.extend(files.iter().map(String::as_str));
    let output = run(&args);
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let mut failed = false;
    for line in lines {
        let envelope: Value = serde_json::from_str(line).expect("a JSON envelope");
        let code = envelope["header"]["resultCode"].as_i64().expect("a code");
        if code == 0 {
            assert_eq!(envelope["header"], success_header());
            let result = &envelope["result"];
            for key in [
                "fileType",
                "resolution",
                "cardNums",
                "totalCardNum",
                "cardNumBoxes",
                "validThru",
                "validThruBox",
            ] {
                assert!(result.get(key).is_some(), "{key} missing in {line}");
            }
        } else {
            failed = true;
            assert_eq!(envelope, failure_envelope(code));
        }
    }
    // The exit code says whether any file failed.
    assert_eq!(output.status.success(), !failed, "{}", output.status);
}

#[test]
fn recognize_a_text_file_prints_4000003_and_exits_1() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("notes.png");
    std::fs::write(&path, "not an image, whatever the name says\n").unwrap();
    let output = run(&["recognize", "credit-card", "--json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let envelope: Value = serde_json::from_str(text.trim()).expect("one JSON envelope");
    assert_eq!(envelope, failure_envelope(4000003));
}

#[test]
fn eval_prints_a_table_per_level() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    synth_three(dir.path());
    let text = eval_table(
        dir.path().to_str().unwrap(),
        &["level", "clean", "photo", "hard", "all", "latency"],
    );
    let all = text.lines().find(|l| l.starts_with("all")).unwrap();
    assert_eq!(all.split_whitespace().nth(1), Some("3"), "{all}");
}

#[test]
fn business_certificates_are_made_recognised_and_evaluated() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().unwrap();
    let made = run(&[
        "synth",
        "business",
        "--n",
        "2",
        "--out",
        out,
        "--levels",
        "clean,photo",
    ]);
    assert_ok(&made);
    let truth = std::fs::read_to_string(dir.path().join("truth.jsonl")).expect("truth.jsonl");
    let truths: Vec<Value> = truth
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(truths.len(), 2);
    let file = dir.path().join(truths[0]["file"].as_str().unwrap());
    let output = run(&["recognize", "business", "--json", file.to_str().unwrap()]);
    let envelope: Value = serde_json::from_str(stdout(&output).trim()).expect("one envelope");
    let code = envelope["header"]["resultCode"].as_i64().expect("a code");
    if code == 0 {
        let result = &envelope["result"];
        for key in ["fileType", "unitType", "resolution", "keyValues", "boxes"] {
            assert!(result.get(key).is_some(), "{key} missing in {envelope}");
        }
    } else {
        assert_eq!(envelope, failure_envelope(code));
    }

    eval_table(
        out,
        &[
            "level",
            "clean",
            "photo",
            "all",
            "등록번호",
            "발급기관",
            "latency",
        ],
    );
}

#[test]
fn synth_writes_id_cards_with_the_api_keys() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().unwrap();
    assert_ok(&run(&[
        "synth", "id-card", "--n", "4", "--out", out, "--seed", "3",
    ]));
    let truth = std::fs::read_to_string(dir.path().join("truth.jsonl")).expect("truth.jsonl");
    for line in truth.lines() {
        let truth: Value = serde_json::from_str(line).expect("a JSON line");
        let keys: Vec<&str> = truth["keyValues"]
            .as_array()
            .expect("keyValues")
            .iter()
            .map(|kv| kv["key"].as_str().unwrap())
            .collect();
        match truth["idType"].as_str() {
            Some("resident") => {
                assert_eq!(keys, ["name", "residentNumber", "issueDate", "issuer"])
            }
            Some("driver") => assert_eq!(keys.len(), 8, "{keys:?}"),
            other => panic!("idType {other:?}"),
        }
        let bytes = std::fs::read(dir.path().join(truth["file"].as_str().unwrap())).unwrap();
        image::load_from_memory(&bytes).expect("a decodable image");
    }
}

#[test]
fn id_cards_are_recognised_and_evaluated() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().unwrap();
    assert_ok(&run(&[
        "synth",
        "id-card",
        "--n",
        "2",
        "--out",
        out,
        "--levels",
        "clean,photo",
    ]));
    let truth = std::fs::read_to_string(dir.path().join("truth.jsonl")).expect("truth.jsonl");
    let first: Value = serde_json::from_str(truth.lines().next().unwrap()).expect("a JSON line");
    let file = dir.path().join(first["file"].as_str().unwrap());
    // The summary line of the clean card: file, idType, then key=value
    // (conf) per key.
    let output = run(&["recognize", "id-card", file.to_str().unwrap()]);
    let line = stdout(&output);
    assert_ok(&output);
    let fields: Vec<&str> = line.trim_end().split('\t').collect();
    assert_eq!(fields[1], first["idType"].as_str().unwrap(), "{line}");
    let keys: Vec<&str> = fields[2..]
        .iter()
        .map(|f| f.split('=').next().unwrap())
        .collect();
    let expected: Vec<&str> = first["keyValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| kv["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, expected, "{line}");

    eval_table(
        out,
        &[
            "level",
            "clean",
            "photo",
            "all",
            "driverLicenseNumber",
            "residentNumber",
            "issuer",
            "latency",
        ],
    );
}

/// `report.json` of a `docrec bench` that wrote to `out`.
fn bench_report(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    serde_json::from_str(&text).expect("report.json is JSON")
}

#[test]
fn bench_generates_documents_and_reports_each_worker_count() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().unwrap();
    let output = run(&["bench", "--generate", "1", "--workers", "2,1", "--out", out]);
    assert_ok(&output);
    let report = bench_report(dir.path());
    assert_eq!(report["target"], "in-process");
    assert_eq!(
        report["documents"],
        json!({"business": 1, "credit-card": 1, "id-card": 1})
    );
    let runs = report["runs"].as_array().unwrap();
    let workers: Vec<u64> = runs
        .iter()
        .map(|r| r["workers"].as_u64().unwrap())
        .collect();
    assert_eq!(workers, [1, 2], "runs go from the fewest workers up");
    for run in runs {
        assert_eq!(run["requests"], 3);
        // Each generated document is a clean scan that is read.
        for kind in ["business", "credit-card", "id-card"] {
            assert_eq!(run["kinds"][kind]["resultCodes"], json!({"0": 1}), "{run}");
        }
        let p50 = run["all"]["p50Ms"].as_f64().unwrap();
        let p99 = run["all"]["p99Ms"].as_f64().unwrap();
        assert!(p50 > 0.0 && p50 <= p99, "{run}");
        assert!(run["cpuSeconds"].as_f64().unwrap() > 0.0, "{run}");
        // The OCR engines alone hold tens of MB.
        assert!(
            run["peakResidentBytes"].as_u64().unwrap() > 20 << 20,
            "{run}"
        );
    }
    let table = stdout(&output);
    assert!(
        table.contains("docs/s") && table.contains("p99 ms"),
        "{table}"
    );
    let page = std::fs::read_to_string(dir.path().join("report.html")).expect("report.html");
    assert_eq!(
        page.matches("<svg ").count(),
        3,
        "a throughput chart and a histogram per run"
    );
    for kind in ["credit-card", "business", "id-card"] {
        assert!(dir.path().join("documents").join(kind).is_dir());
    }
}

#[test]
fn bench_measures_a_running_server_and_stops_at_a_refused_key() {
    let server = shared();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let documents = dir.path().join("documents");
    for kind in ["credit-card", "id-card"] {
        let sub = documents.join(kind);
        assert_ok(&run(&[
            "synth",
            kind,
            "--n",
            "1",
            "--levels",
            "clean",
            "--out",
            sub.to_str().unwrap(),
        ]));
    }
    let bench = |secret: &str| {
        docrec()
            .args(["bench", documents.to_str().unwrap(), "--url", &server.base])
            .args(["--app-key", APP_KEY, "--workers", "2"])
            .args(["--out", dir.path().join("report").to_str().unwrap()])
            .env("DOCREC_BENCH_SECRETKEY", secret)
            .output()
            .expect("running docrec bench")
    };

    let output = bench(SECRET);
    assert_ok(&output);
    let report = bench_report(&dir.path().join("report"));
    assert_eq!(report["target"], server.base.as_str());
    let run = &report["runs"][0];
    assert_eq!(
        (run["workers"].as_u64(), run["requests"].as_u64()),
        (Some(2), Some(2))
    );
    // The ID card went in an envelope and was read.
    assert_eq!(
        run["kinds"]["id-card"]["resultCodes"],
        json!({"0": 1}),
        "{run}"
    );
    assert_eq!(
        run["kinds"]["credit-card"]["resultCodes"],
        json!({"0": 1}),
        "{run}"
    );
    // What the recognizers did, from the server's /metrics: every
    // document read with Tesseract, some at their first look or not.
    for kind in ["credit-card", "id-card"] {
        let stats = &run["kinds"][kind];
        assert!(
            stats["recognitionsPerDocument"].as_f64().unwrap() >= 1.0,
            "{run}"
        );
        assert!(
            stats["tesseractMsPerDocument"].as_f64().unwrap() > 0.0,
            "{run}"
        );
        let share = stats["firstLookShare"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{run}");
    }
    // The server's own CPU time and memory, from its /metrics.
    assert!(run["cpuSeconds"].as_f64().unwrap() > 0.0, "{run}");
    assert!(
        run["peakResidentBytes"].as_u64().unwrap() > 20 << 20,
        "{run}"
    );

    let refused = bench("not-the-secret");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("refused the appKey: 4010001"), "{stderr}");
}

#[test]
fn docrec_runs_itself_again_with_one_openmp_thread_when_the_variable_is_missing() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut server = docrec()
        .env_remove("OMP_THREAD_LIMIT")
        .arg("serve")
        .env(
            "DOCREC_LISTEN",
            format!("127.0.0.1:{}", common::free_port()),
        )
        .env("DOCREC_DATA_DIR", data_dir.path())
        .env("DOCREC_WORKERS", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The same process, its environment replaced when it ran itself again.
    let environ = format!("/proc/{}/environ", server.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut variables = Vec::new();
    while std::time::Instant::now() < deadline {
        variables = std::fs::read(&environ).unwrap_or_default();
        if variables
            .split(|b| *b == 0)
            .any(|v| v == b"OMP_THREAD_LIMIT=1")
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        variables
            .split(|b| *b == 0)
            .any(|v| v == b"OMP_THREAD_LIMIT=1"),
        "OMP_THREAD_LIMIT=1 not in the server's environment"
    );
}
