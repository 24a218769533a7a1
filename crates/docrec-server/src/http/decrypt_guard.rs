//! A brake on padding oracles. A v2 upload or field whose AES-CBC padding
//! is wrong answers 4000303 (the contract's code) and one whose padding is
//! right goes on, so each answer tells a client one bit about a
//! ciphertext it did not make; decrypting a block that way takes thousands
//! of requests. Every 4000303 is counted per appKey on this node; an appKey
//! that gets `limit` of them within `window` has its v2 requests answered
//! 4000006 until the window ends, with a metric
//! (`docrec_decrypt_failures_total`, `docrec_decrypt_throttled_total`) and
//! one log line naming the appKey (never a value).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use docrec_errors::ErrorCode;

use super::{ApiError, AppState};

/// The 4000303 answers of each appKey in its current window.
pub struct DecryptFailures {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, Window>>,
}

/// One appKey's failures since `started`.
struct Window {
    started: Instant,
    failures: u32,
}

impl DecryptFailures {
    /// At most `limit` failures per appKey within `window`.
    pub fn new(limit: u32, window: Duration) -> DecryptFailures {
        DecryptFailures {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Window>> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `app_key` is throttled at `now` (its window is then kept;
    /// an ended window is forgotten).
    fn throttled(&self, app_key: &str, now: Instant) -> bool {
        let mut windows = self.lock();
        windows.retain(|_, window| now.duration_since(window.started) < self.window);
        windows
            .get(app_key)
            .is_some_and(|window| window.failures >= self.limit)
    }

    /// Counts a failure of `app_key` at `now`; gives whether it reached
    /// the limit just now.
    fn count(&self, app_key: &str, now: Instant) -> bool {
        let mut windows = self.lock();
        let window = windows.entry(app_key.to_owned()).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(window.started) >= self.window {
            *window = Window {
                started: now,
                failures: 0,
            };
        }
        window.failures += 1;
        window.failures == self.limit
    }
}

/// Middleware in front of the v2 routes, after authentication: refuses a
/// throttled appKey's request with 4000006, and counts its 4000303
/// answers.
pub async fn guard(
    State(state): State<AppState>,
    Path(params): Path<HashMap<String, String>>,
    request: Request,
    next: Next,
) -> Response {
    let app_key = params.get("app_key").map_or("", String::as_str);
    let failures: &Arc<DecryptFailures> = &state.decrypt_failures;
    if failures.throttled(app_key, Instant::now()) {
        state.metrics.observe_decrypt_throttled();
        return ApiError::from(ErrorCode::ApiCallLimitExceeded).into_response();
    }
    let response = next.run(request).await;
    if response.extensions().get::<ErrorCode>() == Some(&ErrorCode::InvalidEncryptedData) {
        state.metrics.observe_decrypt_failure();
        if failures.count(app_key, Instant::now()) {
            tracing::warn!(
                app_key,
                limit = failures.limit,
                window_seconds = failures.window.as_secs(),
                "an appKey's requests failed to decrypt too often: its v2 requests are refused until the window ends"
            );
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_key_is_throttled_at_the_limit_until_its_window_ends() {
        let failures = DecryptFailures::new(3, Duration::from_secs(60));
        let start = Instant::now();
        assert!(!failures.count("a", start));
        assert!(!failures.count("a", start));
        assert!(!failures.throttled("a", start));
        assert!(failures.count("a", start), "the third reaches the limit");
        assert!(failures.throttled("a", start + Duration::from_secs(59)));
        assert!(!failures.throttled("b", start), "another appKey is not");
        assert!(!failures.throttled("a", start + Duration::from_secs(60)));
        assert!(failures.lock().is_empty(), "ended windows are forgotten");
    }
}
