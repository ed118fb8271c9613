// Who may do what on the embedded server. Users come from a JSON file (written by npm start);
// each has a profile: admin (anything: migrations, retention), writer (the workers: SELECT and
// INSERT into tables, no DDL), reader (the console and analysts: SELECT only, with limits).
// chDB runs every query as one engine user, so the server checks each statement's syntax tree
// (the engine's own parser, through EXPLAIN AST) before it runs, and sets readonly / allow_ddl
// so the engine refuses what slips past.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ChError } from './ch-error.ts';

export type Profile = 'admin' | 'writer' | 'reader';

const userSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  /** SHA-256 of the password, hex (as ClickHouse's password_sha256_hex). */
  password_sha256_hex: z.string().regex(/^[0-9a-f]{64}$/i),
  profile: z.enum(['admin', 'writer', 'reader']),
  /** Tables a reader may insert into (e.g. the console's status rows). */
  insert_tables: z.array(z.string()).default([]),
  /** Ceilings (and defaults) of settings for this user, e.g. max_execution_time: 30. */
  limits: z.record(z.string(), z.number().nonnegative()).default({}),
});
export type ChUser = z.infer<typeof userSchema>;

export function hashPassword(password: string): string {
  return createHash('sha256').update(password).digest('hex');
}

export function loadUsers(file: string): ChUser[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ClickHouse users from ${file}: ${(err as Error).message}`);
  }
  const parsed = z.array(userSchema).min(1).safeParse(raw);
  if (!parsed.success)
    throw new Error(`invalid ClickHouse users in ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The credentials a ClickHouse client sends: Basic auth, X-ClickHouse-User/Key, or user/password. */
export function credentialsOf(
  req: IncomingMessage,
  url: URL,
): { user: string; password: string } | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const i = text.indexOf(':');
    if (i >= 0) return { user: text.slice(0, i), password: text.slice(i + 1) };
  }
  const headerUser = req.headers['x-clickhouse-user'];
  if (typeof headerUser === 'string') {
    const key = req.headers['x-clickhouse-key'];
    return { user: headerUser, password: typeof key === 'string' ? key : '' };
  }
  const user = url.searchParams.get('user');
  if (user !== null) return { user, password: url.searchParams.get('password') ?? '' };
  return undefined;
}

export function authenticate(users: ChUser[], creds: { user: string; password: string } | undefined): ChUser {
  if (!creds || creds.user === '') {
    throw new ChError(194, 'REQUIRED_PASSWORD', 'Authentication required: send a user and password', 401);
  }
  const given = Buffer.from(hashPassword(creds.password), 'hex');
  const user = users.find((u) => u.name === creds.user);
  const expected = Buffer.from(user?.password_sha256_hex ?? '0'.repeat(64), 'hex');
  if (!user || !timingSafeEqual(given, expected)) {
    throw new ChError(
      516,
      'AUTHENTICATION_FAILED',
      `${creds.user}: Authentication failed: password is incorrect, or there is no user with such name`,
      403,
    );
  }
  return user;
}

/** What a statement does, read from the engine's EXPLAIN AST output. */
export interface StatementShape {
  /** The root node: SelectWithUnionQuery, InsertQuery, CreateQuery, ShowTables, … */
  kind: string;
  tableFunctions: string[];
  /** Every other function called anywhere in the statement. */
  functions: string[];
  /** INSERT INTO FUNCTION x(…) */
  insertFunction?: string;
  /** INSERT's target table, as written. */
  insertTable?: string;
  /** INTO OUTFILE or FROM INFILE: a file on the server's host. */
  touchesServerFile: boolean;
  /** A SETTINGS clause or SET inside the statement. */
  changesSettings: boolean;
}

const LINE_RE = /^( *)(\S+)(?: (\S+))?/;

export function shapeOf(ast: string): StatementShape {
  const lines = ast.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((l) => {
    const m = LINE_RE.exec(l);
    return { depth: m?.[1]?.length ?? 0, node: m?.[2] ?? '', arg: m?.[3] };
  });
  const root = parsed[0];
  const shape: StatementShape = {
    kind: root?.node ?? '',
    tableFunctions: [],
    functions: [],
    touchesServerFile: false,
    changesSettings: false,
  };
  parsed.forEach((p, i) => {
    const next = parsed[i + 1];
    if (p.node === 'Set') shape.changesSettings = true;
    if (p.node === 'TableExpression' && next?.node === 'Function' && next.depth === p.depth + 1 && next.arg) {
      shape.tableFunctions.push(next.arg);
    } else if (p.node === 'Function' && p.arg && parsed[i - 1]?.node !== 'TableExpression') {
      shape.functions.push(p.arg);
    }
    if (p.depth !== 1) return;
    if (p.node === 'Literal' && (shape.kind === 'SelectWithUnionQuery' || shape.kind === 'InsertQuery')) {
      shape.touchesServerFile = true;
    }
    if (shape.kind === 'InsertQuery' && p.node === 'Function' && p.arg) shape.insertFunction = p.arg;
    if (shape.kind === 'InsertQuery' && p.node === 'Identifier' && p.arg && shape.insertTable === undefined) {
      // `db.table` arrives as two identifiers in a row, the database first.
      const table = next?.node === 'Identifier' && next.depth === 1 ? next.arg : undefined;
      shape.insertTable = table ? `${p.arg}.${table}` : p.arg;
    }
  });
  return shape;
}

/** Table functions that only compute; everything else reaches files, processes or the network. */
const SAFE_TABLE_FUNCTIONS = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'generate_series',
  'generateSeries',
  'generateRandom',
  'values',
  'null',
  'view',
  'merge',
  'format',
  'loop',
]);

/**
 * Ordinary functions that read the server's files: file(path) returns any readable file's text
 * (absolute paths are not held to user_files_path in the embedded engine); the model evaluators
 * load a model from a path.
 */
const HOST_FUNCTIONS = new Set(['file', 'catboostEvaluate', 'modelEvaluate']);

const READ_KINDS = /^(SelectWithUnionQuery|Show\w*|Describe\w*|Exists\w*|Explain)$/;

/** Refuses what the user's profile does not allow; admins may do anything. */
export function authorize(user: ChUser, shape: StatementShape): void {
  if (user.profile === 'admin') return;
  const deny = (what: string) => {
    throw new ChError(497, 'ACCESS_DENIED', `${user.name}: Not enough privileges: ${what}`, 403);
  };
  const banned = shape.tableFunctions.filter((f) => !SAFE_TABLE_FUNCTIONS.has(f));
  if (banned.length > 0) deny(`table function ${banned.join(', ')} reaches outside the database`);
  const host = shape.functions.filter((f) => HOST_FUNCTIONS.has(f));
  if (host.length > 0) deny(`function ${host.join(', ')} reads the server's files`);
  if (shape.touchesServerFile) deny('INTO OUTFILE / FROM INFILE reach the server’s files');
  // A reader's limits are ceilings; settings travel as URL parameters, where they are checked.
  if (user.profile === 'reader' && shape.changesSettings)
    deny('SET or SETTINGS inside the query (send settings as URL parameters)');
  if (READ_KINDS.test(shape.kind)) return;
  if (shape.kind === 'InsertQuery') {
    if (shape.insertFunction) deny(`INSERT INTO FUNCTION ${shape.insertFunction}`);
    if (user.profile === 'writer') return;
    if (shape.insertTable && insertAllowed(user, shape.insertTable)) return;
    deny(`INSERT INTO ${shape.insertTable ?? '?'}`);
  }
  deny(`${shape.kind} is not allowed for a ${user.profile}`);
}

/** An entry `t` allows table t in any database; `db.t` only that one. */
export function insertAllowed(user: ChUser, table: string): boolean {
  if (user.profile !== 'reader') return true;
  const name = table.replace(/`/g, '');
  const bare = name.slice(name.lastIndexOf('.') + 1);
  return user.insert_tables.some((t) => t === name || (!t.includes('.') && t === bare));
}

/** Engine settings that make the engine itself refuse what the profile forbids. */
export function engineGuards(user: ChUser | undefined, forInsert: boolean): Record<string, string> {
  if (!user || user.profile === 'admin') return {};
  if (user.profile === 'writer' || forInsert) return { allow_ddl: '0' };
  // readonly=2, not 1: the server still applies the user's (checked) URL settings with SET on a
  // session's connection, and readonly=1 would refuse that from the second request on.
  return { readonly: '2' };
}

/** A user's ceilings: a URL setting above one is refused; an absent one gets the ceiling. */
export function applyLimits(
  user: ChUser | undefined,
  settings: Record<string, string>,
): Record<string, string> {
  if (!user) return settings;
  const out = { ...settings };
  for (const [name, max] of Object.entries(user.limits)) {
    const asked = out[name];
    if (asked === undefined) {
      out[name] = String(max);
      continue;
    }
    const n = Number(asked);
    if (!Number.isFinite(n) || n > max || (n === 0 && max > 0)) {
      throw new ChError(
        452,
        'SETTING_CONSTRAINT_VIOLATION',
        `Setting ${name} shouldn't be greater than ${max}`,
      );
    }
  }
  return out;
}
