-- Rate limits and quotas per appKey and service, the counters that
-- enforce them, and usage statistics (API.md §5). Counted in the
-- database, so the limits hold in total across nodes sharing it.

-- NULL: no limit of that kind.
CREATE TABLE rate_limits (
    app_key    TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    service    TEXT    NOT NULL,
    per_second BIGINT,
    per_day    BIGINT,
    per_month  BIGINT,
    PRIMARY KEY (app_key, service)
);

-- Requests admitted per period: period 'second' (period_start: Unix
-- seconds), 'day' (days since 1970-01-01 in Korea Standard Time) or
-- 'month' (months since 1970-01 in KST). Old rows are swept.
CREATE TABLE usage_counters (
    app_key      TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    service      TEXT    NOT NULL,
    period       TEXT    NOT NULL,
    period_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (app_key, service, period, period_start)
);

-- Answered requests per appKey, service, day (yyyy-mm-dd, KST) and result
-- code.
CREATE TABLE usage_stats (
    app_key     TEXT    NOT NULL REFERENCES app_keys (app_key) ON DELETE CASCADE,
    service     TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    result_code BIGINT NOT NULL,
    count       BIGINT NOT NULL,
    PRIMARY KEY (app_key, service, day, result_code)
);
CREATE INDEX usage_stats_by_day ON usage_stats (day);
