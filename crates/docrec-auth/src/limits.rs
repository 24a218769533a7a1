//! Rate limits and quotas per appKey and service, and usage statistics
//! (API.md §5).
//!
//! A limit is a number of requests per second, per day or per month;
//! over any of them a request answers 4000006. Days and months are those
//! of Korea Standard Time (UTC+9, no daylight saving time): the calendar
//! docrec's operators and their customers keep. Requests are counted in
//! the database, so the limits hold in total across nodes; a refused
//! request is not counted. Statistics count every authenticated request
//! by day, service and result code.

use docrec_errors::ErrorCode;

use crate::AuthError;
use docrec_store::{CountedPeriod, RateLimits, Service, UsageRow};
use time::{OffsetDateTime, UtcOffset};

use crate::Auth;

/// Korea Standard Time.
const KST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+9 is a valid offset"),
};

/// The calendar periods of an instant, in KST.
struct Periods {
    /// Days since 1970-01-01.
    day: i64,
    /// Months since 1970-01.
    month: i64,
    /// `yyyy-mm-dd`.
    date: String,
}

impl Periods {
    fn at(now: i64) -> Periods {
        let local = OffsetDateTime::from_unix_timestamp(now)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(KST);
        let date = local.date();
        let epoch = time::Date::from_calendar_date(1970, time::Month::January, 1)
            .expect("1970-01-01 exists");
        Periods {
            day: (date - epoch).whole_days(),
            month: (i64::from(date.year()) - 1970) * 12 + i64::from(u8::from(date.month())) - 1,
            date: format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            ),
        }
    }
}

/// Whether `day` is a date written `yyyy-mm-dd`.
fn is_date(day: &str) -> bool {
    let parts: Vec<&str> = day.split('-').collect();
    let [year, month, date] = parts[..] else {
        return false;
    };
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(date, 2)) {
        return false;
    }
    let (Ok(year), Ok(month), Ok(date)) = (year.parse(), month.parse::<u8>(), date.parse()) else {
        return false;
    };
    time::Month::try_from(month)
        .and_then(|month| time::Date::from_calendar_date(year, month, date))
        .is_ok()
}

/// The KST date (`yyyy-mm-dd`) of `now` (Unix seconds).
pub fn kst_date(now: i64) -> String {
    Periods::at(now).date
}

impl Auth {
    /// Sets (replaces) the limits of the appKey's service; 4010001 for an
    /// unknown appKey, 4000001 for a negative limit.
    pub async fn set_rate_limits(
        &self,
        app_key: &str,
        service: Service,
        limits: RateLimits,
    ) -> Result<(), AuthError> {
        let limits_given = [limits.per_second, limits.per_day, limits.per_month];
        if limits_given.into_iter().flatten().any(|limit| limit < 0) {
            return Err(ErrorCode::InvalidParameter.into());
        }
        match self.store.set_rate_limits(app_key, service, limits).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::InvalidAppkeySecretkey.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The limits of the appKey's service; 4010001 for an unknown appKey.
    pub async fn rate_limits(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<RateLimits, AuthError> {
        self.require_app_key(app_key).await?;
        self.store
            .rate_limits(app_key, service)
            .await
            .map_err(AuthError::from)
    }

    /// Passes when the appKey exists; 4010001 otherwise.
    async fn require_app_key(&self, app_key: &str) -> Result<(), AuthError> {
        match self.store.app_key_exists(app_key).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::InvalidAppkeySecretkey.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Counts a request to the appKey's service at `now` against its
    /// limits, or answers 4000006 when one is reached.
    pub async fn admit(&self, app_key: &str, service: Service, now: i64) -> Result<(), AuthError> {
        let limits = self.store.rate_limits(app_key, service).await?;
        let periods = Periods::at(now);
        let counted: Vec<CountedPeriod> = [
            ("second", now, limits.per_second),
            ("day", periods.day, limits.per_day),
            ("month", periods.month, limits.per_month),
        ]
        .into_iter()
        .filter_map(|(period, start, limit)| {
            limit.map(|limit| CountedPeriod {
                period,
                start,
                limit,
            })
        })
        .collect();
        if counted.is_empty() {
            return Ok(());
        }
        match self.store.admit_request(app_key, service, &counted).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorCode::ApiCallLimitExceeded.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Counts an answered request in the statistics.
    pub async fn record_usage(
        &self,
        app_key: &str,
        service: Service,
        code: ErrorCode,
        now: i64,
    ) -> Result<(), AuthError> {
        self.store
            .record_usage(app_key, service, &kst_date(now), code.code())
            .await
            .map_err(AuthError::from)
    }

    /// The appKey's statistics from day `from` to `to` (inclusive,
    /// `yyyy-mm-dd`); 4010001 for an unknown appKey, 4000001 for a day
    /// that is not a date.
    pub async fn usage(
        &self,
        app_key: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<UsageRow>, AuthError> {
        if !is_date(from) || !is_date(to) {
            return Err(ErrorCode::InvalidParameter.into());
        }
        self.require_app_key(app_key).await?;
        self.store
            .usage(app_key, from, to)
            .await
            .map_err(AuthError::from)
    }

    /// Deletes the usage statistics of the days (KST) more than
    /// `retention_days` before the day of `now`; gives how many rows.
    pub async fn sweep_usage(&self, now: i64, retention_days: u32) -> Result<u64, AuthError> {
        let first_kept_day = kst_date(now.saturating_sub(i64::from(retention_days) * 86_400));
        self.store
            .sweep_usage_stats(&first_kept_day)
            .await
            .map_err(AuthError::from)
    }

    /// Deletes the counters of periods that ended before `now`.
    pub async fn sweep_counters(&self, now: i64) -> Result<u64, AuthError> {
        let periods = Periods::at(now);
        self.store
            .sweep_usage_counters(now - 1, periods.day, periods.month)
            .await
            .map_err(AuthError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_months_turn_at_midnight_in_korea() {
        // 2026-11-30 14:59:59 UTC is 23:59:59 in Seoul; a second later it
        // is December there.
        let before = Periods::at(1_796_050_799);
        let after = Periods::at(1_796_050_800);
        assert_eq!(before.date, "2026-11-30");
        assert_eq!(after.date, "2026-12-01");
        assert_eq!(after.day, before.day + 1);
        assert_eq!(after.month, before.month + 1);
        assert_eq!(after.month, (2026 - 1970) * 12 + 11);
        assert_eq!(Periods::at(0).date, "1970-01-01");
        assert_eq!(Periods::at(0).day, 0);
    }

    #[test]
    fn only_real_dates_are_days() {
        assert!(is_date("2026-12-01") && is_date("2024-02-29"));
        for not in [
            "2026-13-01",
            "2025-02-29",
            "2026-1-01",
            "20261201",
            "2026-12-01x",
            "",
        ] {
            assert!(!is_date(not), "{not}");
        }
    }
}
