-- Per-minute and per-hour rollups of events by (event_type, source, event time), for dashboard
-- panels: a panel that counts events or unique users, grouped and filtered only by event_type
-- and source, over a range aligned to the bucket, reads these instead of `events`
-- (@tributary/analytics planPanelQuery; docs/decisions/rollup-routing.md).
--
-- Buckets are by the event's own timestamp (UTC), not by received_at: a late event (an old
-- timestamp inserted today) lands in its old bucket, as it does in `events`.
-- users is uniqExact, not uniq: routing promises the same answer as `events`, and uniq's
-- estimate would differ from uniqExact(user_id) on the raw table.
-- No TTL: a bucket that vanished here while its events remain would make routed answers wrong.
--
-- NOTE: the views count every row inserted into events. A retried insert with the same
-- insert_deduplication_token is dropped in events and, because these tables deduplicate too
-- (non_replicated_deduplication_window; deduplicate_blocks_in_dependent_materialized_views is
-- on by default), in the view's block as well. A duplicate row that reaches events by another
-- way is counted twice here until it is counted twice in `events` too (count() without FINAL):
-- the workers keep that from happening (docs/decisions/exactly-once.md).
CREATE TABLE IF NOT EXISTS {db}.rollup_events_1m
(
    bucket     DateTime('UTC'),
    event_type LowCardinality(String),
    source     LowCardinality(String),
    events     AggregateFunction(count),
    users      AggregateFunction(uniqExact, Nullable(String))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (event_type, source, bucket)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {db}.rollup_events_1h
(
    bucket     DateTime('UTC'),
    event_type LowCardinality(String),
    source     LowCardinality(String),
    events     AggregateFunction(count),
    users      AggregateFunction(uniqExact, Nullable(String))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (event_type, source, bucket)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.rollup_events_1m_mv TO {db}.rollup_events_1m AS
SELECT toStartOfInterval(timestamp, INTERVAL 1 MINUTE, 'UTC') AS bucket, event_type, source,
       countState() AS events, uniqExactState(user_id) AS users
FROM {db}.events
GROUP BY bucket, event_type, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.rollup_events_1h_mv TO {db}.rollup_events_1h AS
SELECT toStartOfInterval(timestamp, INTERVAL 1 HOUR, 'UTC') AS bucket, event_type, source,
       countState() AS events, uniqExactState(user_id) AS users
FROM {db}.events
GROUP BY bucket, event_type, source;

-- Events stored before this migration. Migrations run before any service starts (npm start and
-- the test fixtures migrate first), so no insert falls between the views and this copy; the
-- TRUNCATE makes a rerun after an interrupted attempt start from empty instead of adding twice.
TRUNCATE TABLE {db}.rollup_events_1m;

TRUNCATE TABLE {db}.rollup_events_1h;

INSERT INTO {db}.rollup_events_1m
SELECT toStartOfInterval(timestamp, INTERVAL 1 MINUTE, 'UTC') AS bucket, event_type, source,
       countState() AS events, uniqExactState(user_id) AS users
FROM {db}.events
GROUP BY bucket, event_type, source;

INSERT INTO {db}.rollup_events_1h
SELECT toStartOfInterval(timestamp, INTERVAL 1 HOUR, 'UTC') AS bucket, event_type, source,
       countState() AS events, uniqExactState(user_id) AS users
FROM {db}.events
GROUP BY bucket, event_type, source;
