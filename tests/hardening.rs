//! Black-box tests of docrec under pressure, against a real `docrec serve`:
//! the bounded recognition queue (5000008 at once beyond it), graceful
//! shutdown (requests in flight are finished) and slow bodies (cut off at
//! the upload deadline).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use common::{image_form, Answer, Server, APP_KEY, SECRET};
use docrec_synth::Level;
use serde_json::Value;

/// A clean synthetic certificate: a second or more of OCR each.
fn certificate() -> Vec<u8> {
    docrec_synth::business_certificate(1, Level::Clean)
        .expect("a certificate")
        .encoded
}

/// POSTs `bytes` to the business route; the answer and its `Retry-After`.
fn post_business(server: &Server, bytes: &[u8]) -> (Answer, Option<String>) {
    let request = server
        .client
        .post(server.url(&format!("/v1.0/appkeys/{APP_KEY}/business")))
        .header("Authorization", SECRET);
    let response = image_form(bytes, "certificate.png")
        .attach(request)
        .send()
        .expect("sending the request");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = response.status().as_u16();
    let body: Value = response.json().expect("a JSON answer");
    (Answer { status, body }, retry_after)
}

fn result_code(answer: &Answer) -> i64 {
    answer.body["header"]["resultCode"]
        .as_i64()
        .unwrap_or_else(|| panic!("no resultCode in {}", answer.body))
}

#[test]
fn recognitions_beyond_the_queue_are_refused_at_once_with_5000008() {
    // One engine and one place in the queue: two recognitions at a time.
    let server = Server::start(&[("DOCREC_QUEUE_LIMIT", "1")]);
    assert_eq!(server.metric("docrec_recognition_places_free"), Some(2.0));
    let bytes = certificate();
    let clients = 5;
    let start = Barrier::new(clients);
    let answers: Vec<(Answer, Option<String>)> = thread::scope(|s| {
        let sent: Vec<_> = (0..clients)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    post_business(&server, &bytes)
                })
            })
            .collect();
        sent.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let (refused, admitted): (Vec<_>, Vec<_>) = answers
        .iter()
        .partition(|(answer, _)| result_code(answer) == 5000008);
    for (answer, retry_after) in &refused {
        answer.assert_failure(5000008);
        assert_eq!(retry_after.as_deref(), Some("1"));
    }
    for (answer, _) in &admitted {
        answer.assert_success();
    }
    // Five requests at once, each a second or more of OCR: two are
    // admitted, and the others arrive while both places are taken.
    assert!(admitted.len() >= 2, "{} admitted", admitted.len());
    assert!(refused.len() >= 2, "{} refused", refused.len());

    // The places are given back: the next request is read.
    let (answer, _) = post_business(&server, &bytes);
    answer.assert_success();
    assert_eq!(server.metric("docrec_recognition_places_free"), Some(2.0));
}

#[test]
fn refused_recognitions_answer_503_with_natural_status() {
    let server = Server::start(&[
        ("DOCREC_QUEUE_LIMIT", "0"),
        ("DOCREC_HTTP_STATUS", "natural"),
    ]);
    let bytes = certificate();
    let start = Barrier::new(3);
    let answers: Vec<Answer> = thread::scope(|s| {
        let sent: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    post_business(&server, &bytes).0
                })
            })
            .collect();
        sent.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let refused: Vec<&Answer> = answers
        .iter()
        .filter(|a| result_code(a) == 5000008)
        .collect();
    assert!(!refused.is_empty(), "{answers:?}");
    for answer in refused {
        answer.assert_failure_with_status(5000008, 503);
    }
}

#[test]
fn a_stopped_server_finishes_the_requests_in_flight() {
    let mut server = Server::start(&[]);
    let places = server
        .metric("docrec_recognition_places_free")
        .expect("the places metric");
    let bytes = certificate();
    thread::scope(|s| {
        let in_flight = s.spawn(|| post_business(&server, &bytes).0);
        // Stop the server once the recognition holds its place.
        while server.metric("docrec_recognition_places_free") == Some(places) {
            assert!(
                !in_flight.is_finished(),
                "the request ended before the stop"
            );
            thread::sleep(Duration::from_millis(10));
        }
        server.terminate();
        let answer = in_flight.join().unwrap();
        answer.assert_success();
    });
    let status = server
        .wait_exit(Duration::from_secs(30))
        .expect("the server exits after finishing");
    assert!(status.success(), "exit status {status}");
    assert!(server.client.get(server.url("/health")).send().is_err());
}

#[test]
fn a_body_sent_a_byte_at_a_time_is_cut_off_at_the_deadline() {
    let server = Server::start(&[("DOCREC_BODY_TIMEOUT_SECONDS", "1")]);
    let address = server.base.trim_start_matches("http://");
    let mut connection = TcpStream::connect(address).expect("connecting");
    connection
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST /v1.0/appkeys/{APP_KEY}/credit-card HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: {SECRET}\r\n\
         Content-Type: multipart/form-data; boundary=slow\r\n\
         Content-Length: 100000\r\n\r\n\
         --slow\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"
    );
    connection.write_all(head.as_bytes()).unwrap();
    let answered = AtomicBool::new(false);
    let started = Instant::now();
    let reply = thread::scope(|s| {
        let mut writer = connection.try_clone().unwrap();
        let answered = &answered;
        // A byte every 100 ms, until the answer came or 20 s passed.
        s.spawn(move || {
            while !answered.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(20) {
                if writer.write_all(b"x").is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(100));
            }
        });
        let mut reply = Vec::new();
        let mut chunk = [0u8; 4096];
        while !String::from_utf8_lossy(&reply).contains("}}") {
            match connection.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => reply.extend_from_slice(&chunk[..n]),
            }
        }
        answered.store(true, Ordering::Relaxed);
        String::from_utf8_lossy(&reply).into_owned()
    });
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let body = &reply[reply.find("\r\n\r\n").expect("a body") + 4..];
    let body: Value = serde_json::from_str(body).expect("a JSON answer");
    Answer { status: 200, body }.assert_failure(4000001);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "no answer until the client stopped"
    );
    // The server goes on serving.
    server
        .client
        .get(server.url("/health"))
        .send()
        .expect("healthy");
}
