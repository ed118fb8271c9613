export { canonicalJson } from './canonical-json.ts';
export {
  FIELD_TAG_RE,
  MAX_EXAMPLES,
  MAX_METADATA_BYTES,
  MAX_SCHEMA_BYTES,
  SUBJECT_NAME_RE,
} from './limits.ts';
export {
  assertSubjectName,
  checkExamples,
  checkFieldTags,
  checkSchemaDocument,
  type FieldTags,
  type SchemaDocument,
} from './validate.ts';
export { getSubject, getVersion, listSubjects, listVersions, type VersionRef } from './queries.ts';
export { testCompatibility } from './compatibility.ts';
export { registerVersion, type RegisterOptions, type RegisterResult } from './register.ts';
export { deleteVersion, deprecateVersion, setMode, type ActorOptions, type DeleteOptions } from './manage.ts';
export {
  enforcements,
  listSources,
  setEnforcement,
  setSourcePolicy,
  unknownEventTypePolicies,
  type SourceView,
  type UnknownEventTypePolicy,
} from './policy.ts';
export type { Enforcement, SubjectView, VersionStatus, VersionView } from './views.ts';
export { MAX_EVENTS_PER_SECOND, setSourceRateLimit, type SourceRateLimitInput } from './source-rate-limit.ts';
export {
  controlSnapshot,
  publishAll,
  publishSource,
  publishSubject,
  sourceState,
  subjectState,
  type ControlProducer,
} from './publish.ts';
