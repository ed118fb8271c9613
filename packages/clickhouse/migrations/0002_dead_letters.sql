-- Everything that is not in the good stream, with what is needed to understand and replay it.
CREATE TABLE IF NOT EXISTS {db}.dead_letters
(
    id               String,
    event_id         String,
    stage            LowCardinality(String),
    code             LowCardinality(String),
    message          String,
    details          String,
    payload          String,
    payload_encoding LowCardinality(String),
    source           LowCardinality(Nullable(String)),
    write_key_id     Nullable(String),
    event_type       LowCardinality(Nullable(String)),
    schema_version   Nullable(UInt32),
    origin_topic     Nullable(String),
    origin_partition Nullable(Int32),
    origin_offset    Nullable(String),
    failed_at        DateTime64(3, 'UTC'),
    attempts         UInt32,
    status           LowCardinality(String) DEFAULT 'pending',
    inserted_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMMDD(failed_at)
ORDER BY (stage, code, failed_at, id)
TTL toDateTime(failed_at) + INTERVAL 14 DAY
SETTINGS non_replicated_deduplication_window = 10000;
