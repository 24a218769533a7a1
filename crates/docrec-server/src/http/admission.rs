//! Admission of recognition requests, in two steps, so that neither a
//! client that sends its body slowly nor one tenant can take a node:
//!
//! 1. Before its body is read ([`admit_upload`], middleware in front of
//!    each recognition route, after authentication and before the rate
//!    limits): an upload place. At most `places` bodies are read at once
//!    on the node, at most `uploads_per_app_key` of them for one appKey.
//! 2. After its whole upload was read and size-checked
//!    ([`Admission::take_place`], in the handler): a recognition place. At
//!    most `DOCREC_WORKERS` + `DOCREC_QUEUE_LIMIT` recognitions run or wait
//!    for an engine on the node, at most `places_per_app_key` of them for
//!    one appKey.
//!
//! A request over any bound is answered at once with 5000503
//! `API_TEMPORARILY_UNAVAILABLE` and `Retry-After: 1` (HTTP 503 with
//! `DOCREC_HTTP_STATUS=natural`), and counted in
//! `docrec_admission_refused_total` by the bound it met. A stalled upload
//! holds an upload place until the body deadline, never a recognition
//! place, so other appKeys are still served.
//!
//! The places a request holds ride with it as guards ([`UploadPlace`],
//! [`RecognitionSlot`]): the recognition place moves onto the blocking
//! thread that recognises and is given back when the recognition ends,
//! even when the client has gone away before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use docrec_errors::ErrorCode;

use super::observe::Metrics;
use super::{ApiError, AppState};
use crate::config::AdmissionLimits;

/// The two steps' places, shared by every request of the node.
#[derive(Clone)]
pub struct Admission {
    uploads: Arc<Places>,
    recognitions: Arc<Places>,
    metrics: Arc<Metrics>,
}

impl Admission {
    pub fn new(limits: AdmissionLimits, metrics: Arc<Metrics>) -> Admission {
        Admission {
            uploads: Arc::new(Places::new(
                ["uploads", "uploads_per_appkey"],
                limits.places,
                limits.uploads_per_app_key,
            )),
            recognitions: Arc::new(Places::new(
                ["recognitions", "recognitions_per_appkey"],
                limits.places,
                limits.places_per_app_key,
            )),
            metrics,
        }
    }

    /// How many recognition places are free now.
    pub fn recognition_places_free(&self) -> usize {
        self.recognitions.free()
    }

    /// Step 2: a recognition place for `app_key`'s request, whose upload
    /// has been read, or 5000503.
    pub fn take_place(&self, app_key: &str) -> Result<RecognitionSlot, ApiError> {
        self.recognitions
            .take(app_key)
            .map(|held| RecognitionSlot { _held: held })
            .map_err(|bound| self.refuse(bound))
    }

    fn take_upload_place(&self, app_key: &str) -> Result<Held, ApiError> {
        self.uploads
            .take(app_key)
            .map_err(|bound| self.refuse(bound))
    }

    fn refuse(&self, bound: &'static str) -> ApiError {
        self.metrics.observe_refusal(bound);
        ApiError::from(ErrorCode::ApiTemporarilyUnavailable)
    }
}

/// A recognition place; given back when dropped.
pub struct RecognitionSlot {
    _held: Held,
}

/// An upload place, held while the request's body is read; given back
/// when dropped. (`Clone`, as request extensions must be; the place is
/// given back when the last clone is dropped.)
#[derive(Clone)]
pub struct UploadPlace {
    _held: Arc<Held>,
}

impl UploadPlace {
    /// Takes the place [`admit_upload`] put in `request`'s extensions.
    pub fn take(request: &mut Request) -> Option<UploadPlace> {
        request.extensions_mut().remove::<UploadPlace>()
    }
}

/// `route` admitted first ([`admit_upload`]): the outermost layer of a
/// recognition route, outside its metering.
pub fn admitted(route: MethodRouter<AppState>, state: &AppState) -> MethodRouter<AppState> {
    route.layer(middleware::from_fn_with_state(state.clone(), admit_upload))
}

/// Middleware in front of each recognition route: step 1, an upload place
/// for the path's appKey, or 5000503 before the body is read.
async fn admit_upload(
    State(state): State<AppState>,
    Path(params): Path<HashMap<String, String>>,
    mut request: Request,
    next: Next,
) -> Response {
    let app_key = params.get("app_key").map_or("", String::as_str);
    match state.admission.take_upload_place(app_key) {
        Ok(held) => {
            request.extensions_mut().insert(UploadPlace {
                _held: Arc::new(held),
            });
            next.run(request).await
        }
        Err(refused) => refused.into_response(),
    }
}

/// Places counted for the node and per appKey.
struct Places {
    /// The metric's labels of the two bounds.
    node_bound: &'static str,
    app_key_bound: &'static str,
    total: usize,
    per_app_key: usize,
    taken: Mutex<Taken>,
}

#[derive(Default)]
struct Taken {
    total: usize,
    by_app_key: HashMap<String, usize>,
}

impl Places {
    fn new(
        [node_bound, app_key_bound]: [&'static str; 2],
        total: usize,
        per_app_key: usize,
    ) -> Places {
        Places {
            node_bound,
            app_key_bound,
            total,
            per_app_key,
            taken: Mutex::new(Taken::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Taken> {
        // The counts change only under the lock, in statements that cannot
        // panic half-way.
        self.taken.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn free(&self) -> usize {
        self.total.saturating_sub(self.lock().total)
    }

    /// A place for `app_key`, or the label of the bound it met.
    fn take(self: &Arc<Self>, app_key: &str) -> Result<Held, &'static str> {
        let mut taken = self.lock();
        if taken.total >= self.total {
            return Err(self.node_bound);
        }
        let of_key = taken.by_app_key.get(app_key).copied().unwrap_or(0);
        if of_key >= self.per_app_key {
            return Err(self.app_key_bound);
        }
        taken.total += 1;
        taken.by_app_key.insert(app_key.to_owned(), of_key + 1);
        Ok(Held {
            places: Arc::clone(self),
            app_key: app_key.to_owned(),
        })
    }
}

/// One place taken; given back when dropped.
struct Held {
    places: Arc<Places>,
    app_key: String,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut taken = self.places.lock();
        taken.total = taken.total.saturating_sub(1);
        if let Some(count) = taken.by_app_key.get_mut(&self.app_key) {
            *count -= 1;
            if *count == 0 {
                taken.by_app_key.remove(&self.app_key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(places: usize, per_app_key: usize) -> Admission {
        Admission::new(
            AdmissionLimits {
                places,
                places_per_app_key: per_app_key,
                uploads_per_app_key: per_app_key,
            },
            Arc::new(Metrics::new()),
        )
    }

    #[test]
    fn one_app_key_takes_its_share_and_no_more() {
        let admission = admission(4, 2);
        let a1 = admission.take_place("a").unwrap();
        let _a2 = admission.take_place("a").unwrap();
        assert!(admission.take_place("a").is_err());
        let _b1 = admission.take_place("b").unwrap();
        let _b2 = admission.take_place("b").unwrap();
        assert!(admission.take_place("c").is_err(), "the node is full");
        assert_eq!(admission.recognition_places_free(), 0);
        drop(a1);
        assert_eq!(admission.recognition_places_free(), 1);
        assert!(admission.take_place("b").is_err(), "b still has its share");
        let _a3 = admission.take_place("a").unwrap();
    }

    #[test]
    fn places_given_back_leave_no_count_behind() {
        let admission = admission(3, 3);
        let held: Vec<_> = (0..3).map(|_| admission.take_place("a").unwrap()).collect();
        drop(held);
        assert_eq!(admission.recognition_places_free(), 3);
        assert!(admission.recognitions.lock().by_app_key.is_empty());
    }

    #[test]
    fn uploads_and_recognitions_are_counted_apart() {
        let admission = admission(2, 1);
        let _upload = admission.take_upload_place("a").unwrap();
        assert!(admission.take_upload_place("a").is_err());
        let _recognition = admission.take_place("a").unwrap();
        assert_eq!(admission.recognition_places_free(), 1);
    }
}
