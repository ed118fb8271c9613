-- Per-stage counters each service flushes every few seconds, so the console charts the
-- platform's own health from ClickHouse with no extra system.
CREATE TABLE IF NOT EXISTS {db}.pipeline_metrics
(
    ts       DateTime64(3, 'UTC'),
    service  LowCardinality(String),
    instance String,
    stage    LowCardinality(String),
    count    UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (stage, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY;
