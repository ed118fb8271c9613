export * from './types.ts';
export { checkCompatibility, type CheckOptions, type VersionedSchema } from './check.ts';
export { MAX_SCHEMA_BYTES, validateSchemaDocument, type SchemaDocumentCheck } from './document.ts';
