//! The harness of the black-box tests: the real `docrec` binary, started as
//! a server on a free loopback port with a fresh data directory, and the
//! error table read from `shared/spec/error-codes.md` (the contract, not
//! docrec's own copy of it).
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
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/API.md");
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
/// code's as API.md names it.
pub fn spec_message(code: i64) -> String {
    spec_table()
        .into_iter()
        .chain(api_extension_codes())
        .find(|row| row.0 == code)
        .unwrap_or_else(|| panic!("code {code} is neither in the spec table nor in API.md"))
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
fn free_port() -> u16 {
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

    fn try_start(env: &[(&str, &str)]) -> Result<Server, String> {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = docrec()
            .arg("serve")
            .env("DOCREC_LISTEN", format!("127.0.0.1:{port}"))
            .env("DOCREC_DATA_DIR", data_dir.path())
            .env("DOCREC_WORKERS", "1")
            .env("DOCREC_LOG", "warn")
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

    /// The server's data directory (its SQLite database), for `docrec
    /// admin` commands run beside it.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
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

/// Runs `docrec admin ARGS` on the server's data directory; gives stdout.
pub fn admin(server: &Server, args: &[&str]) -> String {
    let out = docrec()
        .arg("admin")
        .args(args)
        .env("DOCREC_DATA_DIR", server.data_dir())
        .output()
        .expect("running docrec admin");
    assert!(
        out.status.success(),
        "docrec admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
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

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
