-- Consumer-group lag sampled by the console every few seconds (one console at a time, under a
-- Redis lease), so the Consumer groups page charts the last 24 hours. Every row of one sample
-- carries the same ts, so a sample's total is sum(lag) GROUP BY ts. Kept 2 days.
CREATE TABLE IF NOT EXISTS {db}.consumer_lag
(
    ts               DateTime64(3, 'UTC'),
    group_id         String,
    topic            LowCardinality(String),
    partition        UInt32,
    -- -1: the group has no committed offset on the partition.
    committed_offset Int64,
    end_offset       Int64,
    lag              UInt64,
    -- NULL: the next message's timestamp could not be read in time.
    lag_seconds      Nullable(Float64)
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (group_id, topic, partition, ts)
TTL toDateTime(ts) + INTERVAL 2 DAY;
