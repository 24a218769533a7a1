//! The harness of the black-box tests: the real `docrec` binary, started as
//! a server on a free loopback port with a fresh data directory, and the
//! error table read from `shared/spec/error-codes.md` (the contract, not
//! docrec's own copy of it).
//!
//! With `DOCREC_TEST_POSTGRES_URL` set (the URL of a PostgreSQL server's
//! `postgres` database, as `scripts/postgres.sh start` prints it), each
//! server gets a fresh database there instead of SQLite, and the master key
//! in its environment, as several nodes would: `scripts/test.sh` runs the
//! black-box suite once each way.
//!
//! Included with `mod common;` by `api.rs` and `cli.rs`; each uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The appKey every test server is bootstrapped with.
pub const APP_KEY: &str = "blackBoxTestAppKey01";
/// Its secretKey.
pub const SECRET: &str = "bb-test-Secret_0123456789abcdefgh";

/// How long a server may take to answer `/health` after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The `docrec` binary with a clean environment: no `DOCREC_*` variable of
/// the caller leaks in, and `OMP_THREAD_LIMIT=1` as the README requires.
pub fn docrec() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docrec"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DOCREC_") {
            command.env_remove(name);
        }
    }
    command.env("OMP_THREAD_LIMIT", "1").stdin(Stdio::null());
    command
}

/// The rows of `shared/spec/error-codes.md`, in order: (code, key, message),
/// cells trimmed as Markdown does.
pub fn spec_table() -> Vec<(i64, String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/spec/error-codes.md"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (shared/ must sit beside the repository)"));
    let rows: Vec<(i64, String, String)> = text
        .lines()
        .filter(|line| line.starts_with('|'))
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let code = cells.first()?.parse::<i64>().ok()?;
            Some((code, cells.get(1)?.to_string(), cells.get(2)?.to_string()))
        })
        .collect();
    assert!(
        rows.len() >= 40,
        "parsed only {} rows from {path}",
        rows.len()
    );
    rows
}

/// The extension codes `shared/spec/API.md` names, as it writes them:
/// ``4000103 `PDF_PASSWORD_PROTECTED` "PDF file is password protected."``.
pub fn api_extension_codes() -> Vec<(i64, String, String)> {
    extension_codes(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/spec/API.md"
    ))
}

/// The extension codes docrec's README documents beyond API.md, written
/// the same way.
pub fn readme_extension_codes() -> Vec<(i64, String, String)> {
    extension_codes(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
}

/// The codes a Markdown file names as ``CODE `KEY` "message"``.
fn extension_codes(path: &str) -> Vec<(i64, String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut codes = Vec::new();
    for (at, _) in text.match_indices(" `") {
        // The code may end the line before its key.
        let before = text[..at].trim_end();
        let digits: String = before
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let Ok(code) = digits.parse::<i64>() else {
            continue;
        };
        let rest = &text[at + 2..];
        let Some(key_end) = rest.find('`') else {
            continue;
        };
        let key = &rest[..key_end];
        let Some(message) = rest[key_end + 1..]
            .trim_start()
            .strip_prefix('"')
            .and_then(|m| m.split('"').next())
        else {
            continue;
        };
        if digits.len() == 7 && key.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            // Markdown wraps a message over lines; it reads as one line.
            let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
            codes.push((code, key.to_owned(), message));
        }
    }
    codes
}

/// The recommended upload sizes of API.md §1, long side × short side.
pub const CARD_RECOMMENDED_SIZE: (u32, u32) = (760, 480);
pub const BUSINESS_RECOMMENDED_SIZE: (u32, u32) = (1280, 720);

/// The `resolution` API.md §1 gives an image of `width` × `height`:
/// `normal` when it meets `recommended` (long × short side, either way
/// round), else `low`.
pub fn expected_resolution(width: u32, height: u32, recommended: (u32, u32)) -> &'static str {
    let (long, short) = (width.max(height), width.min(height));
    if long >= recommended.0 && short >= recommended.1 {
        "normal"
    } else {
        "low"
    }
}

/// Asserts that `value` is a box of eight integer corners inside a
/// `width` × `height` upload.
#[track_caller]
pub fn assert_box(value: &Value, width: u32, height: u32) {
    let object = value.as_object().unwrap_or_else(|| panic!("box {value}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["x1", "x2", "x3", "x4", "y1", "y2", "y3", "y4"]);
    for (key, corner) in object {
        let v = corner
            .as_i64()
            .unwrap_or_else(|| panic!("{key} is not an integer: {value}"));
        let side = if key.starts_with('x') { width } else { height };
        assert!((0..=i64::from(side)).contains(&v), "{key}={v} outside");
    }
}

/// The spec's message for `code`: the error table's, or an extension
/// code's as API.md or else the README names it.
pub fn spec_message(code: i64) -> String {
    spec_table()
        .into_iter()
        .chain(api_extension_codes())
        .chain(readme_extension_codes())
        .find(|row| row.0 == code)
        .unwrap_or_else(|| {
            panic!("code {code} is neither in the spec table nor in API.md nor in the README")
        })
        .2
}

/// The whole envelope of a failure with `code`: header only, no `result`.
pub fn failure_envelope(code: i64) -> Value {
    json!({"header": {
        "isSuccessful": false,
        "resultCode": code,
        "resultMessage": spec_message(code),
    }})
}

/// The header of a success.
pub fn success_header() -> Value {
    json!({"isSuccessful": true, "resultCode": 0, "resultMessage": "Success"})
}

/// An HTTP answer: status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    fn from_response(response: reqwest::blocking::Response) -> Answer {
        let status = response.status().as_u16();
        let text = response.text().expect("reading the response body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("HTTP {status}: body is not JSON ({e}): {text:?}"));
        Answer { status, body }
    }

    /// Asserts HTTP 200 and exactly the failure envelope of `code`.
    #[track_caller]
    pub fn assert_failure(&self, code: i64) {
        self.assert_failure_with_status(code, 200);
    }

    /// Asserts the HTTP status and exactly the failure envelope of `code`.
    #[track_caller]
    pub fn assert_failure_with_status(&self, code: i64, status: u16) {
        assert_eq!(self.body, failure_envelope(code), "HTTP {}", self.status);
        assert_eq!(self.status, status, "{}", self.body);
    }

    /// Asserts HTTP 200 and a success header, and gives the `result`.
    #[track_caller]
    pub fn assert_success(&self) -> &Value {
        assert_eq!(self.body["header"], success_header(), "{}", self.body);
        assert_eq!(self.status, 200);
        let result = &self.body["result"];
        assert!(result.is_object(), "no result in {}", self.body);
        result
    }
}

/// A `multipart/form-data` body, built in memory.
///
/// The body is sent as one buffer rather than with reqwest's streaming
/// multipart: the server answers an early refusal (bad auth, too large)
/// without reading the rest of the body, and reqwest's blocking client
/// reports a streamed body it could not finish as an error instead of
/// giving the answer that already arrived.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    body: Vec<u8>,
}

/// The boundary of every [`Multipart`] body.
const BOUNDARY: &str = "docrec-black-box-7d1f0c2a";

impl Multipart {
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Adds a file part.
    pub fn file(mut self, name: &str, file_name: &str, bytes: &[u8]) -> Multipart {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: &str) -> Multipart {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
        self
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }

    /// The whole body, closing boundary included.
    pub fn into_body(mut self) -> Vec<u8> {
        self.body
            .extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.body
    }

    /// Puts this body and its content type on `request`.
    pub fn attach(
        self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        let content_type = self.content_type();
        request
            .header("Content-Type", content_type)
            .body(self.into_body())
    }
}

/// A body with one file part named `image`.
pub fn image_form(bytes: &[u8], file_name: &str) -> Multipart {
    Multipart::new().file("image", file_name, bytes)
}

/// A running `docrec serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub client: reqwest::blocking::Client,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    data_dir: tempfile::TempDir,
    /// The fresh PostgreSQL database it was given, dropped with it.
    postgres: Option<TestDatabase>,
    /// `DATABASE_URL` and `DOCREC_MASTER_KEY` as the server got them, for
    /// commands run beside it.
    database_env: Vec<(String, String)>,
}

/// The variable naming the PostgreSQL server the suite may use.
pub const TEST_POSTGRES_ENV: &str = "DOCREC_TEST_POSTGRES_URL";

/// The master key every PostgreSQL-backed test server gets.
pub const TEST_MASTER_KEY: &str = "dGVzdC1tYXN0ZXIta2V5LW9mLWRvY3JlYy10ZXN0cyE=";

/// A fresh database on the test PostgreSQL server, dropped with it.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    /// Its URL, for `DATABASE_URL`.
    pub url: String,
}

impl TestDatabase {
    /// A new empty database on the server of `admin_url` (a URL ending in
    /// `/postgres`).
    pub fn create(admin_url: &str) -> TestDatabase {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let name = format!(
            "docrec_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        psql(admin_url, &format!("CREATE DATABASE {name}"));
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        TestDatabase {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

/// The rows of the database at `url`, as `pg_dump` writes them.
fn pg_dump(url: &str) -> Vec<u8> {
    let mut pg_dump = Command::new("pg_dump");
    pg_dump.args(["--data-only", url]);
    client_output(pg_dump, "pg_dump (Debian's postgresql-client)")
}

/// Runs a database client (`what` names it in messages) and gives what it
/// printed; its failure fails the test with what it said.
fn client_output(mut command: Command, what: &str) -> Vec<u8> {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("running {what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                "-q",
                &self.admin_url,
                "-c",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

/// A PostgreSQL cluster of a test's own (`scripts/postgres.sh`), for tests
/// that stop it; stopped when dropped.
pub struct Cluster {
    dir: tempfile::TempDir,
    /// The URL of its `postgres` database.
    pub admin_url: String,
}

/// The script that makes, stops and resumes a test cluster.
const POSTGRES_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/postgres.sh");

impl Cluster {
    fn script(command: &str, dir: &std::path::Path) -> std::process::Output {
        let out = Command::new("bash")
            .arg(POSTGRES_SCRIPT)
            .arg(command)
            .arg(dir)
            .output()
            .expect("running scripts/postgres.sh");
        assert!(
            out.status.success(),
            "postgres.sh {command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Makes and starts a cluster on a free loopback port.
    pub fn start() -> Cluster {
        let dir = tempfile::tempdir().expect("a directory for the cluster");
        let out = Cluster::script("start", dir.path());
        let admin_url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        Cluster { dir, admin_url }
    }

    /// The PEM file of the CA that signed the server's certificate (for
    /// 127.0.0.1), to verify it with.
    pub fn ca_file(&self) -> std::path::PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Stops the server (fast shutdown: its connections are cut).
    pub fn stop(&self) {
        Cluster::script("stop", self.dir.path());
    }

    /// Starts the stopped server again, on the same port.
    pub fn resume(&self) {
        Cluster::script("resume", self.dir.path());
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(POSTGRES_SCRIPT)
            .arg("stop")
            .arg(self.dir.path())
            .output();
    }
}

/// Runs one SQL statement with `psql` on `url`; gives what it printed
/// (rows unaligned, without headers), trimmed.
pub fn psql(url: &str, sql: &str) -> String {
    let mut psql = Command::new("psql");
    psql.args(["-qtA", "-v", "ON_ERROR_STOP=1", url, "-c", sql]);
    let printed = client_output(psql, &format!("psql {sql:?} (Debian's postgresql-client)"));
    String::from_utf8_lossy(&printed).trim().to_owned()
}

/// One server shared by the tests of a binary that are running at the same
/// moment; it stops when the last of them drops its handle (a static would
/// never be dropped, and the process would outlive the test run).
static SHARED: Mutex<Weak<Server>> = Mutex::new(Weak::new());

/// The shared server: bootstrapped appKey, defaults otherwise.
pub fn shared() -> Arc<Server> {
    let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(server) = slot.upgrade() {
        return server;
    }
    let server = Arc::new(Server::start(&[]));
    *slot = Arc::downgrade(&server);
    server
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding 127.0.0.1:0")
        .port()
}

/// Collects a child's output lines in the background.
fn collect_lines(stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    });
    lines
}

impl Server {
    /// A server with the bootstrap appKey ([`APP_KEY`], [`SECRET`]), one OCR
    /// worker, and `env` on top.
    pub fn start(env: &[(&str, &str)]) -> Server {
        let mut all = vec![
            ("DOCREC_BOOTSTRAP_APPKEY", APP_KEY),
            ("DOCREC_BOOTSTRAP_SECRETKEY", SECRET),
        ];
        all.extend_from_slice(env);
        Server::start_with(&all)
    }

    /// A server with exactly `env` (plus a port, a fresh data directory and
    /// one worker): without the bootstrap variables it makes a demo appKey.
    pub fn start_with(env: &[(&str, &str)]) -> Server {
        let mut last_error = String::new();
        // The port is free when chosen but another process may take it
        // before the server binds; then try another.
        for _ in 0..3 {
            match Server::try_start(env) {
                Ok(server) => return server,
                Err(error) => last_error = error,
            }
        }
        panic!("docrec serve did not start: {last_error}");
    }

    /// A server like [`Server::start`] on SQLite, whatever the suite's
    /// database: for tests of what lives in the data dir (the key file).
    pub fn start_on_sqlite(env: &[(&str, &str)]) -> Server {
        let mut all = vec![
            ("DOCREC_BOOTSTRAP_APPKEY", APP_KEY),
            ("DOCREC_BOOTSTRAP_SECRETKEY", SECRET),
            ("DATABASE_URL", ""),
        ];
        all.extend_from_slice(env);
        Server::start_with(&all)
    }

    /// A server like [`Server::start`] on `database`, which other servers
    /// may share (several nodes).
    pub fn start_on(database: &TestDatabase, env: &[(&str, &str)]) -> Server {
        let mut all = vec![
            ("DOCREC_BOOTSTRAP_APPKEY", APP_KEY),
            ("DOCREC_BOOTSTRAP_SECRETKEY", SECRET),
            ("DATABASE_URL", database.url.as_str()),
            ("DOCREC_MASTER_KEY", TEST_MASTER_KEY),
        ];
        all.extend_from_slice(env);
        Server::start_with(&all)
    }

    fn try_start(env: &[(&str, &str)]) -> Result<Server, String> {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let chose_database = env.iter().any(|(name, _)| *name == "DATABASE_URL");
        let postgres = match std::env::var(TEST_POSTGRES_ENV) {
            Ok(url) if !url.is_empty() && !chose_database => Some(TestDatabase::create(&url)),
            _ => None,
        };
        let mut command = docrec();
        command
            .arg("serve")
            .env("DOCREC_LISTEN", format!("127.0.0.1:{port}"))
            .env("DOCREC_DATA_DIR", data_dir.path())
            .env("DOCREC_WORKERS", "1")
            .env("DOCREC_LOG", "warn");
        if let Some(database) = &postgres {
            command
                .env("DATABASE_URL", &database.url)
                .env("DOCREC_MASTER_KEY", TEST_MASTER_KEY);
        }
        let mut database_env: Vec<(String, String)> = postgres
            .iter()
            .flat_map(|database| {
                [
                    ("DATABASE_URL".to_owned(), database.url.clone()),
                    ("DOCREC_MASTER_KEY".to_owned(), TEST_MASTER_KEY.to_owned()),
                ]
            })
            .collect();
        database_env.extend(
            env.iter()
                .filter(|(name, _)| ["DATABASE_URL", "DOCREC_MASTER_KEY"].contains(name))
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
        );
        let mut child = command
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning docrec serve");
        let stdout = collect_lines(child.stdout.take().expect("piped stdout"));
        let stderr = collect_lines(child.stderr.take().expect("piped stderr"));
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("an HTTP client");
        let mut server = Server {
            child,
            base,
            client,
            stdout,
            stderr,
            data_dir,
            postgres,
            database_env,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("exited with {status}; stderr: {}", server.stderr()));
            }
            if let Ok(response) = server.client.get(server.url("/health")).send() {
                if response.status().is_success() {
                    return Ok(server);
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no healthy answer in {START_TIMEOUT:?}; stderr: {}",
                    server.stderr()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What the server printed on stdout so far.
    pub fn stdout(&self) -> Vec<String> {
        self.stdout
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// What the server printed on stderr so far, as one string.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .join("\n")
    }

    /// Whether a line the server printed on stderr satisfies `wanted`,
    /// waiting up to 10 s for it (stderr is read on a thread of its own,
    /// so a line written before an answer may be read after it).
    pub fn logged(&self, wanted: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.stderr().lines().any(&wanted) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's data directory (its SQLite database, or nothing but
    /// logs when it runs on PostgreSQL).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// `docrec` pointed at the server's database (and master key), for
    /// `docrec admin` commands run beside it.
    pub fn cli(&self) -> Command {
        let mut command = docrec();
        command
            .env("DOCREC_DATA_DIR", self.data_dir())
            .envs(self.database_env.iter().map(|(n, v)| (n, v)));
        command
    }

    /// The server's PostgreSQL URL, when it keeps its state there.
    fn postgres_url(&self) -> Option<&str> {
        self.database_env
            .iter()
            .rev()
            .find(|(name, _)| name == "DATABASE_URL")
            .map(|(_, url)| url.as_str())
            .filter(|url| !url.is_empty())
    }

    /// Everything the server stored and logged: the files of its data dir,
    /// its database's rows when on PostgreSQL, and its output.
    pub fn stored_and_logged(&self) -> Vec<u8> {
        let mut everything = Vec::new();
        let mut pending = vec![self.data_dir().to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    everything.extend(std::fs::read(path).unwrap());
                }
            }
        }
        if let Some(url) = self.postgres_url() {
            everything.extend(pg_dump(url));
        }
        everything.extend(self.stdout().join("\n").into_bytes());
        everything.extend(self.stderr().into_bytes());
        everything
    }

    /// Runs `sql` on the server's database with its own client (`sqlite3`
    /// on the data dir's file, or `psql` on its PostgreSQL database), as
    /// an operator would; gives what it printed, trimmed.
    pub fn sql(&self, sql: &str) -> String {
        if let Some(url) = self.postgres_url() {
            return psql(url, sql);
        }
        let mut sqlite = Command::new("sqlite3");
        sqlite
            .args(["-bail", "-cmd", ".timeout 5000"])
            .arg(self.data_dir().join(docrec_store::SQLITE_FILE_NAME))
            .arg(sql);
        let printed = client_output(sqlite, &format!("sqlite3 {sql:?} (Debian's sqlite3)"));
        String::from_utf8_lossy(&printed).trim().to_owned()
    }

    /// How many rows of `table` match `condition` (SQL), in the server's
    /// database.
    pub fn count_rows(&self, table: &str, condition: &str) -> i64 {
        let printed = self.sql(&format!("SELECT count(*) FROM {table} WHERE {condition}"));
        printed
            .parse()
            .unwrap_or_else(|_| panic!("a count, not {printed:?}"))
    }

    /// The credit-card route of `app_key`.
    pub fn card_url(&self, app_key: &str) -> String {
        self.url(&format!("/v1.0/appkeys/{app_key}/credit-card"))
    }

    /// Sends a request and reads the JSON answer.
    pub fn send(&self, request: reqwest::blocking::RequestBuilder) -> Answer {
        Answer::from_response(request.send().expect("sending the request"))
    }

    /// POSTs `form` to the credit-card route of `app_key`, with
    /// `Authorization: secret` when a secret is given.
    pub fn post_card_as(&self, app_key: &str, secret: Option<&str>, form: Multipart) -> Answer {
        let mut request = self.client.post(self.card_url(app_key));
        if let Some(secret) = secret {
            request = request.header("Authorization", secret);
        }
        self.send(form.attach(request))
    }

    /// POSTs `form` to the credit-card route with the test appKey and secret.
    pub fn post_card(&self, form: Multipart) -> Answer {
        self.post_card_as(APP_KEY, Some(SECRET), form)
    }

    /// POSTs one file as the `image` part.
    pub fn post_image(&self, bytes: &[u8], file_name: &str) -> Answer {
        self.post_card(image_form(bytes, file_name))
    }

    /// POSTs `form` to the business route of `app_key`, with
    /// `Authorization: secret` when a secret is given.
    pub fn post_business_as(&self, app_key: &str, secret: Option<&str>, form: Multipart) -> Answer {
        let url = self.url(&format!("/v1.0/appkeys/{app_key}/business"));
        let mut request = self.client.post(url);
        if let Some(secret) = secret {
            request = request.header("Authorization", secret);
        }
        self.send(form.attach(request))
    }

    /// POSTs one file as the `image` part to the business route with the
    /// test appKey and secret.
    pub fn post_business(&self, bytes: &[u8], file_name: &str) -> Answer {
        self.post_business_as(APP_KEY, Some(SECRET), image_form(bytes, file_name))
    }
}

/// Runs `docrec admin ARGS` on the server's database; gives stdout.
pub fn admin(server: &Server, args: &[&str]) -> String {
    let out = server
        .cli()
        .arg("admin")
        .args(args)
        .output()
        .expect("running docrec admin");
    assert!(
        out.status.success(),
        "docrec admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Sets one limit (`--per-second`, `--per-day` or `--per-month`) of the
/// bootstrap appKey's `service` with `docrec admin limits set`; gives what
/// it printed.
pub fn set_limit(server: &Server, service: &str, flag: &str, limit: u32) -> String {
    let limit = limit.to_string();
    admin(
        server,
        &[
            "limits",
            "set",
            "--app-key",
            APP_KEY,
            "--service",
            service,
            flag,
            &limit,
        ],
    )
}

/// The value after `label: ` on a line of `printed`.
pub fn printed_value(printed: &str, label: &str) -> String {
    printed
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no {label:?} in {printed:?}"))
        .trim()
        .to_owned()
}

/// A project of its own with an appKey, and a user who is a member of it
/// with an access key; made with `docrec admin`.
pub struct Member {
    pub project: String,
    pub user: String,
    pub app_key: String,
    pub secret_key: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl Member {
    /// A new project, appKey and user, the user a member with `role`.
    pub fn new(server: &Server, role: &str) -> Member {
        let project = printed_value(&admin(server, &["project", "create", "team"]), "project");
        let user = printed_value(&admin(server, &["user", "create", "kim"]), "user");
        admin(
            server,
            &[
                "member",
                "set",
                "--project",
                &project,
                "--user",
                &user,
                "--role",
                role,
            ],
        );
        let keys = admin(server, &["app-key", "create", "--project", &project]);
        let access = admin(server, &["access-key", "create", "--user", &user]);
        Member {
            project,
            user,
            app_key: printed_value(&keys, "appKey"),
            secret_key: printed_value(&keys, "secretKey"),
            access_key_id: printed_value(&access, "accessKeyId"),
            secret_access_key: printed_value(&access, "secretAccessKey"),
        }
    }

    /// `POST /oauth2/token/create` with the member's access key, as API.md
    /// §2 describes it; gives the answer.
    pub fn request_token(&self, server: &Server) -> reqwest::blocking::Response {
        server
            .client
            .post(server.url("/oauth2/token/create"))
            .basic_auth(&self.access_key_id, Some(&self.secret_access_key))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .expect("asking for a token")
    }

    /// A fresh access token of the member's.
    pub fn token(&self, server: &Server) -> String {
        let response = self.request_token(server);
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().expect("a JSON token answer");
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access_token in {body}"))
            .to_owned()
    }
}

impl Server {
    /// The server's peak resident memory so far (`VmHWM`), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("reading the server's /proc status");
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc status");
        kib * 1024
    }

    /// Sends the server SIGTERM, as a service manager stopping it does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits up to `limit` for the server to exit; its exit status, or
    /// `None` if it is still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The value of a metric line `NAME VALUE` in `GET /metrics`.
    pub fn metric(&self, name: &str) -> Option<f64> {
        let text = self
            .client
            .get(self.url("/metrics"))
            .send()
            .and_then(|r| r.text())
            .ok()?;
        text.lines()
            .filter_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .find_map(|value| value.trim().parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
