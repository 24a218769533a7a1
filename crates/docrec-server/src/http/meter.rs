//! Rate limits, quotas and usage statistics in front of each document
//! route (API.md §5), after authentication: a request over its appKey's
//! limit for the route's service answers 4000006 before its body is read,
//! and every answer is counted by day, service and result code.

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use docrec_auth::unix_now;
use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_store::Service;

use super::{ApiError, AppState};

/// The service a route is metered as: a fixed one, or the
/// `{service_name}` of the public key route.
#[derive(Clone, Copy)]
pub enum Metered {
    As(Service),
    ByServiceName,
}

/// `route` metered as `how` ([`meter`]): the layer a resource's route
/// takes inside its admission.
pub fn metered(
    route: MethodRouter<AppState>,
    state: &AppState,
    how: Metered,
) -> MethodRouter<AppState> {
    route.layer(middleware::from_fn_with_state((state.clone(), how), meter))
}

/// Admits the request against its appKey's limits, runs it, and counts
/// its answer. A route whose service name is no service is not metered
/// (the handler answers 4000001).
async fn meter(
    State((state, metered)): State<(AppState, Metered)>,
    params: Result<Path<HashMap<String, String>>, PathRejection>,
    request: Request,
    next: Next,
) -> Response {
    let params = params.map(|Path(params)| params).unwrap_or_default();
    let app_key = params.get("app_key").cloned().unwrap_or_default();
    let service = match metered {
        Metered::As(service) => Some(service),
        Metered::ByServiceName => params
            .get("service_name")
            .and_then(|name| Service::from_name(name)),
    };
    let Some(service) = service else {
        return next.run(request).await;
    };
    let response = match state.auth.admit(&app_key, service, unix_now()).await {
        Ok(()) => next.run(request).await,
        Err(error) => ApiError::from(error).into_response(),
    };
    let code = response
        .extensions()
        .get::<ErrorCode>()
        .copied()
        .unwrap_or(ErrorCode::Success);
    // Counted off the request's path: a slow write delays no answer.
    let auth = state.auth.clone();
    tokio::spawn(async move {
        if let Err(failed) = auth.record_usage(&app_key, service, code, unix_now()).await {
            tracing::warn!(
                result_code = failed.error_code().code(),
                cause = %failed,
                "could not count a request in the usage statistics"
            );
        }
    });
    response
}
