//! The sweeper: deletes what is no longer needed, on a timer, for as long
//! as the server runs (Request-Keys, failed authenticity checks, access
//! tokens, rate limit counters, retired envelope keys, old usage
//! statistics), and reports each sweep to the metrics.

use std::sync::Arc;

use docrec_auth::{Auth, Authenticity, Keys};

use crate::failure::Failure;
use crate::http::Metrics;

/// Deletes, every `interval` for as long as the server runs, what is no
/// longer needed: expired Request-Keys (and the fields sealed behind
/// them), failed authenticity checks that no longer count, expired access
/// tokens, the rate limit counters of past periods, envelope key pairs
/// past their grace period and usage statistics older than
/// `usage_retention_days`. Each sweep's rows or failure go to `metrics`;
/// a failure is logged too and tried again at the next tick.
pub async fn sweep_expired(
    authenticity: Authenticity,
    auth: Auth,
    keys: Keys,
    usage_retention_days: Option<u32>,
    metrics: Arc<Metrics>,
    interval: std::time::Duration,
) {
    let mut ticks = tokio::time::interval(interval);
    // A sweep slowed by a database that does not answer is followed by
    // the next one an interval later, not by a burst of missed ones.
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = docrec_auth::unix_now();
        let sweep = |data: &'static str, what: &'static str, deleted: Result<u64, Failure>| {
            if let Err(failure) = &deleted {
                tracing::warn!(
                    result_code = failure.code.code(),
                    cause = failure.cause(),
                    "could not delete {what}"
                );
            }
            metrics.observe_sweep(data, deleted.map_err(|failure| failure.code));
        };
        sweep(
            "request_keys",
            "expired Request-Keys",
            authenticity
                .sweep_request_keys()
                .await
                .map_err(Failure::from),
        );
        sweep(
            "authenticity_failures",
            "failed authenticity checks past the lock window",
            authenticity.sweep_failures().await.map_err(Failure::from),
        );
        sweep(
            "access_tokens",
            "expired access tokens",
            auth.sweep_tokens(now).await.map_err(Failure::from),
        );
        sweep(
            "usage_counters",
            "the rate limit counters of past periods",
            auth.sweep_counters(now).await.map_err(Failure::from),
        );
        sweep(
            "envelope_keys",
            "the envelope key pairs past their grace period",
            keys.sweep_retired().await.map_err(Failure::from),
        );
        if let Some(days) = usage_retention_days {
            sweep(
                "usage_stats",
                "the usage statistics past their retention",
                auth.sweep_usage(now, days).await.map_err(Failure::from),
            );
        }
    }
}
