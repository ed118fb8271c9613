// The chDB connection a request runs on (its own, or its named session's), prepared with the
// request's settings, the memory ceiling and the tag that lets the server cancel it.
import { randomUUID } from 'node:crypto';
import type { Session } from 'chdb';
import { ChError } from './ch-error.ts';
import type { Engine } from './engine.ts';
import type { RequestHead } from './http-request.ts';
import type { ServerLimits } from './limits.ts';
import type { SessionRegistry } from './sessions.ts';
import { buildSetStatement, quoteIdentifier } from './settings.ts';
import { applyLimits, authorize, engineGuards, shapeOf, type ChUser, type StatementShape } from './access.ts';

export interface RunContext {
  engine: Engine;
  sessions: SessionRegistry;
  limits: ServerLimits;
  /** Configured users; undefined = no authentication (a loopback-only development server). */
  users?: ChUser[];
  /** Host names (without port) requests may name. */
  allowedHosts: Set<string>;
}

export interface Prepared {
  session: Session;
  /** The query's log_comment: KILL QUERY finds it by this. */
  tag: string;
}

/** Runs `fn` on the request's connection, then closes it (or hands the session back). */
export async function withConnection<T>(
  ctx: RunContext,
  head: RequestHead,
  fn: (prepared: Prepared) => Promise<T>,
  sql = '',
): Promise<T> {
  if (head.session && head.readOnly) {
    // NOTE: a GET is read-only (readonly=2) on a ClickHouse server for that one query, but
    // readonly cannot be lifted again on a chDB connection, so it would stick to the session.
    throw new ChError(
      164,
      'READONLY',
      'A GET request with session_id would make the session read-only for good; send it as POST',
    );
  }
  // A session id belongs to its user: another user naming it gets a session of their own.
  const lease = head.session
    ? ctx.sessions.acquire({ ...head.session, id: `${head.user?.name ?? ''}\u0000${head.session.id}` })
    : undefined;
  const session = lease?.session ?? ctx.engine.connect();
  try {
    const tag = `tributary-embedded:${randomUUID()}`;
    const asked = await prepare(session, head, tag, ctx.limits, !lease || lease.fresh);
    // The guards come after the check: only the parsed statement tells a reader's allowed
    // INSERT … SELECT (sent as a command) from a read, and readonly cannot be lifted once set.
    let forInsert = head.insert !== undefined;
    if (head.user && head.user.profile !== 'admin' && !head.insert) {
      forInsert = (await check(session, head.user, sql)).kind === 'InsertQuery';
    }
    // A client that asked for readonly itself is already held tighter than any guard (and a
    // readonly connection would refuse the SET).
    const selfReadOnly = asked.readonly !== undefined && asked.readonly !== '0';
    const guards = selfReadOnly ? {} : engineGuards(head.user, forInsert);
    if (head.readOnly && !selfReadOnly && guards.readonly === undefined) guards.readonly = '2';
    const set = buildSetStatement(guards, {});
    if (set) await session.queryAsync(set);
    return await fn({ session, tag });
  } finally {
    if (lease) lease.release();
    else session.close();
  }
}

async function prepare(
  session: Session,
  head: RequestHead,
  tag: string,
  limits: ServerLimits,
  freshConnection: boolean,
): Promise<Record<string, string>> {
  const settings: Record<string, string> = applyLimits(head.user, head.engineSettings);
  const asked = settings.max_memory_usage;
  if (asked !== undefined) {
    const bytes = parseMemory(asked);
    if (bytes === undefined || bytes === 0 || bytes > limits.maxQueryMemoryBytes) {
      throw new ChError(
        452,
        'SETTING_CONSTRAINT_VIOLATION',
        `Setting max_memory_usage shouldn't be greater than ${limits.maxQueryMemoryBytes}`,
      );
    }
  } else if (freshConnection) {
    settings.max_memory_usage = String(limits.maxQueryMemoryBytes);
  }
  settings.log_comment = tag;
  const set = buildSetStatement(settings, head.queryParams);
  if (set) await session.queryAsync(set);
  if (head.database) await session.queryAsync(`USE ${quoteIdentifier(head.database)}`);
  return settings;
}

/** The statement as the engine parses it, against what the user may do. */
async function check(session: Session, user: ChUser, sql: string): Promise<StatementShape> {
  const ast = await session.queryAsync(`EXPLAIN AST ${sql}`, { format: 'TabSeparatedRaw' });
  const shape = shapeOf(ast.text());
  authorize(user, shape);
  return shape;
}

const MEMORY_RE = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])?(i)?B?\s*$/i;

/** `4000000000`, `4G`, `4GiB` → bytes, as the engine reads a size setting. */
export function parseMemory(text: string): number | undefined {
  const m = MEMORY_RE.exec(text);
  if (!m?.[1]) return undefined;
  const power = m[2] ? 'KMGT'.indexOf(m[2].toUpperCase()) + 1 : 0;
  const base = m[3] ? 1024 : 1000;
  return Math.floor(Number(m[1]) * base ** power);
}
