import type { Direction } from './context.ts';
import { show } from './json.ts';

/**
 * What a comparison found, in writer/reader terms: the reader schema rejects something the
 * writer schema allows. The rule id and sentence depend on the direction, because the same
 * finding means "v3 tightened X" when reading old data and "v3 loosened X" when old readers
 * read new data.
 */
export type FindingKind =
  | 'rejects_all'
  | 'type'
  | 'enum'
  | 'enum_introduced'
  | 'const'
  | 'const_introduced'
  | 'required'
  | 'property_closed'
  | 'additional_closed'
  | 'additional_narrowed'
  | 'bound'
  | 'pattern_added'
  | 'pattern_changed'
  | 'format_added'
  | 'format_changed'
  | 'no_branch'
  | 'one_of_undecidable'
  | 'keyword_undecidable'
  | 'ref_unresolvable'
  | 'too_deep';

export interface Finding {
  path: string;
  kind: FindingKind;
  writer: unknown;
  reader: unknown;
  /** Property name, keyword or type list the sentence names. */
  subject?: string;
  /** Concrete values at risk, already rendered. */
  detail?: string;
}

export interface Versions {
  direction: Direction;
  writerVersion: number;
  readerVersion: number;
  oldVersion: number;
  newVersion: number;
}

const boundRuleIds: Record<string, string> = {
  minLength: 'string.min_length',
  maxLength: 'string.max_length',
  minimum: 'number.minimum',
  exclusiveMinimum: 'number.exclusive_minimum',
  maximum: 'number.maximum',
  exclusiveMaximum: 'number.exclusive_maximum',
  multipleOf: 'number.multiple_of',
  minItems: 'array.min_items',
  maxItems: 'array.max_items',
  uniqueItems: 'array.unique_items',
  minProperties: 'object.min_properties',
  maxProperties: 'object.max_properties',
};

const boundRisks: Record<string, string> = {
  minLength: 'shorter strings',
  maxLength: 'longer strings',
  minimum: 'smaller numbers',
  exclusiveMinimum: 'smaller numbers',
  maximum: 'larger numbers',
  exclusiveMaximum: 'larger numbers',
  multipleOf: 'numbers that are not multiples of the new step',
  minItems: 'shorter arrays',
  maxItems: 'longer arrays',
  uniqueItems: 'arrays with duplicate items',
  minProperties: 'objects with fewer properties',
  maxProperties: 'objects with more properties',
};

/** `$.properties.address.properties.zip` → `'address.zip'`; `$` → `the event root`. */
export function describeLocation(path: string): string {
  const label = path
    .replace(/^\$/, '')
    .replace(/\.properties\.([A-Za-z_$][\w$]*)/g, '.$1')
    .replace(/\.properties\[("(?:[^"\\]|\\.)*")\]/g, (_m, quoted: string) => `[${quoted}]`)
    .replace(/\.items/g, '[]')
    .replace(/\.prefixItems\[(\d+)\]/g, '[$1]')
    .replace(/\.additionalProperties/g, '.*')
    .replace(/^\./, '');
  return label === '' ? 'the event root' : `'${label}'`;
}

export function describeFinding(f: Finding, v: Versions): { rule: string; message: string } {
  const backward = v.direction === 'backward';
  const where = describeLocation(f.path);
  const events = `events written with v${v.writerVersion}`;
  const readers = backward ? `readers of v${v.readerVersion}` : `readers still on v${v.readerVersion}`;
  const oldFrag = show(backward ? f.writer : f.reader);
  const newFrag = show(backward ? f.reader : f.writer);
  const tail = (risk: string): string => `${events} ${risk}, so ${readers} would reject them.`;
  const pick = (b: string, fwd: string): string => (backward ? b : fwd);
  switch (f.kind) {
    case 'rejects_all':
      return {
        rule: 'schema.rejects_all',
        message: pick(
          `The schema at ${where} became false and accepts nothing: ${tail('may have a value there')}`,
          `The schema at ${where} was false in v${v.oldVersion} but now accepts values: ${tail('may have a value there')}`,
        ),
      };
    case 'type':
      return {
        rule: pick('type.narrowed', 'type.widened'),
        message: `The type of ${where} ${pick('narrowed', 'widened')} from ${oldFrag} to ${newFrag}: ${tail(`may hold ${f.subject ?? 'other types'}`)}`,
      };
    case 'enum':
      return {
        rule: pick('enum.value_removed', 'enum.value_added'),
        message: `${pick('Enum values were removed from', 'Enum values were added to')} ${where} (${f.detail ?? ''}): ${tail('may contain them')}`,
      };
    case 'enum_introduced':
      return {
        rule: pick('enum.introduced', 'enum.dropped'),
        message: `${where === 'the event root' ? 'The event root' : `Field ${where}`} ${pick('is now limited to', 'is no longer limited to')} the values ${show(f.reader)}: ${tail('may hold other values')}`,
      };
    case 'const':
      return {
        rule: 'const.changed',
        message: `The constant at ${where} changed from ${oldFrag} to ${newFrag}: ${tail(`may hold ${f.detail ?? 'the other value'}`)}`,
      };
    case 'const_introduced':
      return {
        rule: pick('const.introduced', 'const.dropped'),
        message: `${where === 'the event root' ? 'The event root' : `Field ${where}`} ${pick('is now fixed to', 'is no longer fixed to')} ${show(f.reader)}: ${tail('may hold other values')}`,
      };
    case 'required': {
      const prop = describeLocation(f.path);
      return {
        rule: pick('required.added', 'required.removed'),
        message: `Property ${prop} ${pick('became required', 'is no longer required')}: ${tail('may lack it')}`,
      };
    }
    case 'property_closed': {
      const prop = describeLocation(f.path);
      return {
        rule: pick('property.removed.closed_model', 'property.added.closed_model'),
        message: pick(
          `Property ${prop} was removed from an object that does not allow undeclared properties: ${tail('may contain it')}`,
          `Property ${prop} was added, but v${v.oldVersion} does not allow undeclared properties there: ${tail('may contain it')}`,
        ),
      };
    }
    case 'additional_closed':
      return {
        rule: pick('additional_properties.closed', 'additional_properties.opened'),
        message: pick(
          `The object at ${where} no longer allows undeclared properties: ${tail('may carry some')}`,
          `The object at ${where} now allows undeclared properties that v${v.oldVersion} forbids: ${tail('may carry some')}`,
        ),
      };
    case 'additional_narrowed':
      return {
        rule: pick('additional_properties.narrowed', 'additional_properties.widened'),
        message: pick(
          `Undeclared properties of ${where} are now constrained by ${newFrag}: ${tail('may carry undeclared properties that do not match it')}`,
          `Undeclared properties of ${where} are no longer constrained by ${oldFrag}: ${tail('may carry undeclared properties that do not match it')}`,
        ),
      };
    case 'bound': {
      const keyword = f.subject ?? '?';
      const base = boundRuleIds[keyword] ?? `keyword.${keyword}`;
      const risk = f.detail
        ? `may hold values such as ${f.detail}`
        : `may hold ${boundRisks[keyword] ?? 'values'}`;
      return {
        rule: `${base}.${pick('tightened', 'loosened')}`,
        message: `${keyword} of ${where} ${pick('tightened', 'loosened')} (${oldFrag} → ${newFrag}): ${tail(risk)}`,
      };
    }
    case 'pattern_added':
      return {
        rule: pick('string.pattern.added', 'string.pattern.removed'),
        message: pick(
          `The pattern ${show(f.reader)} was added to ${where}: ${tail('may hold strings that do not match it')}`,
          `The pattern ${show(f.reader)} of ${where} was removed: ${tail('may hold strings that do not match it')}`,
        ),
      };
    case 'pattern_changed':
      return {
        rule: 'string.pattern.changed',
        message: f.detail
          ? `The pattern of ${where} changed from ${oldFrag} to ${newFrag}: ${tail(`may hold ${f.detail}, which does not match`)}`
          : `The pattern of ${where} changed from ${oldFrag} to ${newFrag}; whether every string one accepts matches the other cannot be decided statically, so it counts as incompatible: ${readers} could reject ${events}.`,
      };
    case 'format_added':
      return {
        rule: pick('string.format.added', 'string.format.removed'),
        message: pick(
          `The format ${show(f.reader)} was added to ${where}: ${tail('may hold strings not in that format')}`,
          `The format ${show(f.reader)} of ${where} was removed: ${tail('may hold strings not in that format')}`,
        ),
      };
    case 'format_changed':
      return {
        rule: 'string.format.changed',
        message: `The format of ${where} changed from ${oldFrag} to ${newFrag}: ${tail('may hold strings in the other format')}`,
      };
    case 'no_branch':
      return {
        rule: 'composition.no_matching_branch',
        message: `No branch of the ${f.subject ?? 'anyOf'} at ${where} in v${v.readerVersion} accepts every ${f.detail ?? ''} value v${v.writerVersion} allows: ${tail('may hold such a value')}`,
      };
    case 'one_of_undecidable':
      return {
        rule: 'composition.one_of_undecidable',
        message: `Several branches of the oneOf at ${where} in v${v.readerVersion} accept ${f.detail ?? ''} values, so whether exactly one matches cannot be decided statically and it counts as incompatible: ${readers} could reject ${events}.`,
      };
    case 'keyword_undecidable':
      return {
        rule: 'keyword.changed_undecidable',
        message: `The keyword '${f.subject ?? '?'}' at ${where} differs between v${v.oldVersion} and v${v.newVersion} and its effect cannot be decided statically, so it counts as incompatible: ${readers} could reject ${events}.`,
      };
    case 'ref_unresolvable':
      return {
        rule: 'ref.unresolvable',
        message: `The reference ${show(f.subject)} at ${where} cannot be resolved inside the schema, so compatibility cannot be proven.`,
      };
    case 'too_deep':
      return {
        rule: 'schema.too_deep',
        message: `The schemas nest too deeply at ${where} to compare, so compatibility cannot be proven.`,
      };
  }
}
