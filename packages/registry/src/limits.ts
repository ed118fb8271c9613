/** Subject names are event types; the same characters ingest accepts in `event_type`. */
export const SUBJECT_NAME_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
/** A schema's JSON text, as stored. Real event schemas are a few KiB; this bounds abuse, not use. */
export const MAX_SCHEMA_BYTES = 256 * 1024;
/** Examples and field tags together, as stored beside the schema. */
export const MAX_METADATA_BYTES = 256 * 1024;
export const MAX_EXAMPLES = 20;
export const FIELD_TAG_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_FIELD_PATH_LENGTH = 512;
