/** What each error code means to the person on call, and what usually fixes it. */
const EXPLANATIONS: Record<string, string> = {
  invalid_envelope:
    'The event does not have the shape every event must have (event_type, optional event_id, timestamp, user_id, data and metadata objects). The producer sent something else; fix the producer, or edit this event and replay it.',
  unknown_event_type:
    "The event's type has no registered schema and its source rejects unknown event types. Register a schema for the type (or allow unknown types for the source), then replay.",
  schema_violation:
    "The event's data does not match the schema registered for its type, and the subject enforces its schema. Either the producer sends wrong data (fix the producer) or the schema is too strict (register a compatible new version); then use the dry run to confirm and replay.",
  insert_rejected:
    'ClickHouse refused to store the event even after retries (for example a value it cannot hold). Outages are retried and never land here; this is about the event itself. Edit the event and replay it.',
  edit_not_allowed:
    'An edited replay changed a field other than data, metadata, timestamp or user_id. The event keeps its id, type and source when replayed, so one event cannot be replayed as another; replay it with only those fields edited.',
  malformed_dead_letter:
    'A message on the dead-letter topic was not a dead-letter record. It is kept byte for byte; it cannot be replayed as an event.',
};

export function explainCode(code: string): string {
  return EXPLANATIONS[code] ?? `The event failed with code '${code}'. See the message and details below.`;
}
