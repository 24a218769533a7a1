//! The admin HTTP API, `/admin/v1/...`: the operations of `docrec admin
//! project|user|member|app-key|access-key|service|limits|usage` over HTTP,
//! for an operator's tools. Every route needs `Authorization: Bearer
//! <DOCREC_ADMIN_TOKEN>` (4000005 without it, 401 with another); without
//! `DOCREC_ADMIN_TOKEN` the API is not served (4041007). Bodies are JSON (at
//! most 64 KiB; anything else 4000001) and answers the envelope, with the
//! codes of API.md §5. No answer may be cached (`Cache-Control:
//! no-store`): several carry a secretKey or an access key's secret.
//!
//! | method and path | what |
//! |---|---|
//! | `POST /admin/v1/projects` `{"name"}` | a project: `{"projectId", "name"}` |
//! | `GET /admin/v1/projects` | `{"projects": [{"projectId", "name", "createdAt"}]}` |
//! | `GET /admin/v1/projects/{projectId}` | `{"appKeys": [...], "members": [{"userId", "role"}]}` |
//! | `DELETE /admin/v1/projects/{projectId}` | deletes it with everything it owns |
//! | `POST /admin/v1/users` `{"name"}` | a user: `{"userId", "name"}` |
//! | `PUT /admin/v1/projects/{projectId}/members/{userId}` `{"role"}` | a member's role |
//! | `DELETE /admin/v1/projects/{projectId}/members/{userId}` | ends a membership |
//! | `POST /admin/v1/projects/{projectId}/app-keys` | `{"appKey", "secretKey"}` |
//! | `POST /admin/v1/app-keys/{appKey}/secret-key` | a new `{"secretKey"}`; the old one stops working |
//! | `POST /admin/v1/users/{userId}/access-keys` | `{"accessKeyId", "secretAccessKey"}` |
//! | `DELETE /admin/v1/access-keys/{accessKeyId}` | deletes it, revoking its tokens |
//! | `GET /admin/v1/app-keys/{appKey}/services` | `{"services": [{"service", "state"}]}` |
//! | `POST /admin/v1/app-keys/{appKey}/services/{service}/{submit\|cancel\|approve\|reject}` `{"userId"}`? | the service-use workflow; `{"service", "state"}` |
//! | `GET /admin/v1/app-keys/{appKey}/limits` | `{"limits": [{"service", "perSecond", "perDay", "perMonth"}]}` |
//! | `PUT /admin/v1/app-keys/{appKey}/limits/{service}` `{"perSecond"?, "perDay"?, "perMonth"?}` | sets them |
//! | `GET /admin/v1/app-keys/{appKey}/usage?from=&to=` | `{"usage": [{"day", "service", "resultCode", "count"}]}` |

use axum::extract::{Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use docrec_auth::{kst_date, unix_now, OperatorToken, Role, ServiceStep};
use docrec_errors::ErrorCode;
use docrec_store::{RateLimits, Service};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::reply::success;
use super::{ApiError, AppState};

/// The largest admin request body read.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The admin routes, behind the operator token.
pub fn routes(token: OperatorToken) -> Router<AppState> {
    Router::new()
        .route("/projects", post(create_project).get(list_projects))
        .route(
            "/projects/{project_id}",
            get(show_project).delete(delete_project),
        )
        .route("/users", post(create_user))
        .route(
            "/projects/{project_id}/members/{user_id}",
            put(set_member).delete(remove_member),
        )
        .route("/projects/{project_id}/app-keys", post(create_app_key))
        .route(
            "/app-keys/{app_key}/secret-key",
            post(regenerate_secret_key),
        )
        .route("/users/{user_id}/access-keys", post(create_access_key))
        .route(
            "/access-keys/{access_key_id}",
            axum::routing::delete(delete_access_key),
        )
        .route("/app-keys/{app_key}/services", get(service_states))
        .route(
            "/app-keys/{app_key}/services/{service}/{step}",
            post(service_step),
        )
        .route("/app-keys/{app_key}/limits", get(show_limits))
        .route("/app-keys/{app_key}/limits/{service}", put(set_limits))
        .route("/app-keys/{app_key}/usage", get(usage))
        .route_layer(middleware::from_fn_with_state(token, operator))
}

/// Lets the operator's requests through; marks every answer not to be
/// stored by a cache.
async fn operator(State(token): State<OperatorToken>, request: Request, next: Next) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let mut response = match token.check(header) {
        Ok(()) => next.run(request).await,
        Err(error) => ApiError::from(error).into_response(),
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The request's body, at most [`MAX_BODY_BYTES`] (4000001 beyond).
async fn body_bytes(request: Request) -> Result<bytes::Bytes, ApiError> {
    axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::from(ErrorCode::InvalidParameter))
}

/// The request's JSON body as `T` (4000001 when it is not).
async fn body<T: DeserializeOwned>(request: Request) -> Result<T, ApiError> {
    let bytes = body_bytes(request).await?;
    serde_json::from_slice(&bytes).map_err(|_| ApiError::from(ErrorCode::InvalidParameter))
}

/// The request's JSON body as `T`, or `T::default()` when it has none.
async fn body_or_default<T: DeserializeOwned + Default>(request: Request) -> Result<T, ApiError> {
    let bytes = body_bytes(request).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(&bytes).map_err(|_| ApiError::from(ErrorCode::InvalidParameter))
}

/// The service named in a path (4000001 for another name).
fn service_named(name: &str) -> Result<Service, ApiError> {
    Service::from_name(name).ok_or(ApiError::from(ErrorCode::InvalidParameter))
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

async fn create_project(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let Named { name } = body(request).await?;
    let project = state.auth.create_project(&name).await?;
    Ok(success(
        json!({"projectId": project.id, "name": project.name}),
    ))
}

async fn list_projects(State(state): State<AppState>) -> Result<Response, ApiError> {
    let projects: Vec<_> = state
        .auth
        .projects()
        .await?
        .into_iter()
        .map(|p| json!({"projectId": p.id, "name": p.name, "createdAt": p.created_at}))
        .collect();
    Ok(success(json!({ "projects": projects })))
}

async fn show_project(
    State(state): State<AppState>,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    let (app_keys, members) = state.auth.project_contents(&project_id).await?;
    let members: Vec<_> = members
        .into_iter()
        .map(|m| json!({"userId": m.user_id, "role": m.role}))
        .collect();
    Ok(success(json!({"appKeys": app_keys, "members": members})))
}

async fn delete_project(
    State(state): State<AppState>,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    state.auth.delete_project(&project_id).await?;
    Ok(success(json!({})))
}

async fn create_user(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let Named { name } = body(request).await?;
    let user = state.auth.create_user(&name).await?;
    Ok(success(json!({"userId": user.id, "name": user.name})))
}

#[derive(Deserialize)]
struct RoleBody {
    role: String,
}

async fn set_member(
    State(state): State<AppState>,
    Path((project_id, user_id)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let RoleBody { role } = body(request).await?;
    let role = Role::from_name(&role).ok_or(ApiError::from(ErrorCode::InvalidParameter))?;
    state.auth.set_member(&project_id, &user_id, role).await?;
    Ok(success(json!({"userId": user_id, "role": role.as_str()})))
}

async fn remove_member(
    State(state): State<AppState>,
    Path((project_id, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.auth.remove_member(&project_id, &user_id).await?;
    Ok(success(json!({})))
}

async fn create_app_key(
    State(state): State<AppState>,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    let (app_key, secret_key) = state.auth.create_app_key(&project_id).await?;
    Ok(success(json!({"appKey": app_key, "secretKey": secret_key})))
}

async fn regenerate_secret_key(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
) -> Result<Response, ApiError> {
    let secret_key = state.auth.regenerate_secret_key(&app_key).await?;
    Ok(success(json!({"appKey": app_key, "secretKey": secret_key})))
}

async fn create_access_key(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let (id, secret) = state.auth.create_access_key(&user_id).await?;
    Ok(success(
        json!({"accessKeyId": id, "secretAccessKey": secret}),
    ))
}

async fn delete_access_key(
    State(state): State<AppState>,
    Path(access_key_id): Path<String>,
) -> Result<Response, ApiError> {
    state.auth.delete_access_key(&access_key_id).await?;
    Ok(success(json!({})))
}

async fn service_states(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
) -> Result<Response, ApiError> {
    let mut services = Vec::new();
    for service in Service::ALL {
        let now_in = state.auth.service_state(&app_key, service).await?;
        services.push(json!({"service": service.as_str(), "state": now_in.as_str()}));
    }
    Ok(success(json!({ "services": services })))
}

/// The optional body of a workflow step: the user acting.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct OnBehalfOf {
    user_id: Option<String>,
}

async fn service_step(
    State(state): State<AppState>,
    Path((app_key, service, step)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let service = service_named(&service)?;
    // An unknown step is no route.
    let step = ServiceStep::from_name(&step).ok_or(ApiError::from(ErrorCode::UrlNotFound))?;
    let OnBehalfOf { user_id } = body_or_default(request).await?;
    let now_in = state
        .auth
        .take_service_step(&app_key, service, step, user_id.as_deref(), unix_now())
        .await?;
    Ok(success(
        json!({"service": service.as_str(), "state": now_in.as_str()}),
    ))
}

async fn show_limits(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
) -> Result<Response, ApiError> {
    let mut limits = Vec::new();
    for service in Service::ALL {
        let l = state.auth.rate_limits(&app_key, service).await?;
        limits.push(json!({
            "service": service.as_str(),
            "perSecond": l.per_second,
            "perDay": l.per_day,
            "perMonth": l.per_month,
        }));
    }
    Ok(success(json!({ "limits": limits })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LimitsBody {
    per_second: Option<i64>,
    per_day: Option<i64>,
    per_month: Option<i64>,
}

async fn set_limits(
    State(state): State<AppState>,
    Path((app_key, service)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let service = service_named(&service)?;
    let LimitsBody {
        per_second,
        per_day,
        per_month,
    } = body(request).await?;
    let limits = RateLimits {
        per_second,
        per_day,
        per_month,
    };
    state
        .auth
        .set_rate_limits(&app_key, service, limits)
        .await?;
    Ok(success(json!({
        "service": service.as_str(),
        "perSecond": per_second,
        "perDay": per_day,
        "perMonth": per_month,
    })))
}

#[derive(Deserialize)]
struct Days {
    from: Option<String>,
    to: Option<String>,
}

async fn usage(
    State(state): State<AppState>,
    Path(app_key): Path<String>,
    days: Result<Query<Days>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(days) = days.map_err(|_| ApiError::from(ErrorCode::InvalidParameter))?;
    let today = kst_date(unix_now());
    let from = days.from.unwrap_or_else(|| today.clone());
    let to = days.to.unwrap_or(today);
    let rows: Vec<_> = state
        .auth
        .usage(&app_key, &from, &to)
        .await?
        .into_iter()
        .map(|r| {
            json!({"day": r.day, "service": r.service, "resultCode": r.result_code, "count": r.count})
        })
        .collect();
    Ok(success(json!({ "usage": rows })))
}
