//! Rate limits and quotas per appKey and service, the counters that
//! enforce them, and usage statistics. The store counts; docrec-auth
//! decides the periods and what a limit means.

use crate::{Service, Store, StoreError};

/// The limits of one appKey's service; `None`: no limit of that kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimits {
    pub per_second: Option<i64>,
    pub per_day: Option<i64>,
    pub per_month: Option<i64>,
}

/// One period a request is counted in: its kind (`second`, `day`,
/// `month`), where it starts, and how many requests it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedPeriod {
    pub period: &'static str,
    pub start: i64,
    pub limit: i64,
}

/// One row of usage statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    pub day: String,
    pub service: String,
    pub result_code: i64,
    pub count: i64,
}

impl Store {
    /// Sets (replaces) the limits of the appKey's service. `false` when
    /// the appKey is unknown.
    pub async fn set_rate_limits(
        &self,
        app_key: &str,
        service: Service,
        limits: RateLimits,
    ) -> Result<bool, StoreError> {
        let set = sqlx::query(
            "INSERT INTO rate_limits (app_key, service, per_second, per_day, per_month) \
             SELECT app_key, $2, $3, $4, $5 FROM app_keys WHERE app_key = $1 \
             ON CONFLICT (app_key, service) DO UPDATE SET per_second = excluded.per_second, \
             per_day = excluded.per_day, per_month = excluded.per_month",
        )
        .bind(app_key)
        .bind(service.as_str())
        .bind(limits.per_second)
        .bind(limits.per_day)
        .bind(limits.per_month)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(set == 1)
    }

    /// The limits of the appKey's service (none set: no limits).
    pub async fn rate_limits(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<RateLimits, StoreError> {
        let row: Option<(Option<i64>, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT per_second, per_day, per_month FROM rate_limits \
             WHERE app_key = $1 AND service = $2",
        )
        .bind(app_key)
        .bind(service.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map_or_else(RateLimits::default, |(per_second, per_day, per_month)| {
                RateLimits {
                    per_second,
                    per_day,
                    per_month,
                }
            }),
        )
    }

    /// Counts one request in each of `periods` if every one has room
    /// left; `false`, counting nothing, when one is full. One transaction,
    /// and each count a conditional update, so nodes sharing the database
    /// never admit more than a limit in total.
    pub async fn admit_request(
        &self,
        app_key: &str,
        service: Service,
        periods: &[CountedPeriod],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        for period in periods {
            let counted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO usage_counters (app_key, service, period, period_start, count) \
                 VALUES ($1, $2, $3, $4, 1) \
                 ON CONFLICT (app_key, service, period, period_start) \
                 DO UPDATE SET count = usage_counters.count + 1 WHERE usage_counters.count < $5 \
                 RETURNING count",
            )
            .bind(app_key)
            .bind(service.as_str())
            .bind(period.period)
            .bind(period.start)
            .bind(period.limit)
            .fetch_optional(&mut *tx)
            .await?;
            if counted.is_none_or(|count| count > period.limit) {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes the counters of periods that ended: seconds before
    /// `second`, days before `day`, months before `month`.
    pub async fn sweep_usage_counters(
        &self,
        second: i64,
        day: i64,
        month: i64,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM usage_counters WHERE (period = 'second' AND period_start < $1) \
             OR (period = 'day' AND period_start < $2) OR (period = 'month' AND period_start < $3)",
        )
        .bind(second)
        .bind(day)
        .bind(month)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Deletes the statistics of the days before `first_kept_day`
    /// (`yyyy-mm-dd`); gives how many rows.
    pub async fn sweep_usage_stats(&self, first_kept_day: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM usage_stats WHERE day < $1")
            .bind(first_kept_day)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Counts one answered request in the statistics.
    pub async fn record_usage(
        &self,
        app_key: &str,
        service: Service,
        day: &str,
        result_code: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO usage_stats (app_key, service, day, result_code, count) \
             VALUES ($1, $2, $3, $4, 1) \
             ON CONFLICT (app_key, service, day, result_code) \
             DO UPDATE SET count = usage_stats.count + 1",
        )
        .bind(app_key)
        .bind(service.as_str())
        .bind(day)
        .bind(result_code)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The appKey's statistics from day `from` to day `to` (inclusive,
    /// `yyyy-mm-dd`), by day, service and code.
    pub async fn usage(
        &self,
        app_key: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<UsageRow>, StoreError> {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT day, service, result_code, count FROM usage_stats \
             WHERE app_key = $1 AND day >= $2 AND day <= $3 \
             ORDER BY day, service, result_code",
        )
        .bind(app_key)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(day, service, result_code, count)| UsageRow {
                day,
                service,
                result_code,
                count,
            })
            .collect())
    }
}
