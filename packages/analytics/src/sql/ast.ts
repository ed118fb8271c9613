/**
 * What a panel's statement reads, from the engine's own parser (`EXPLAIN AST`), so the check sees
 * exactly what ClickHouse would run: no regex over SQL text decides what a table is. Refused:
 * anything but one SELECT; FORMAT, INTO OUTFILE or SETTINGS clauses; table functions (they reach
 * files, URLs, other servers or generate unbounded rows); tables of any database but the
 * platform's (system.*, information_schema.* included); functions that read tables or files by a
 * name given as text (dictGet, joinGet, file, …).
 */

export interface AstNode {
  depth: number;
  node: string;
  /** The node's argument: a table or function name, an identifier, a literal. */
  arg: string | undefined;
}

const LINE_RE = /^( *)(\S+)(?: (\S+))?/;

export function parseAst(text: string): AstNode[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = LINE_RE.exec(l);
      return { depth: m?.[1]?.length ?? 0, node: m?.[2] ?? '', arg: m?.[3] };
    });
}

/**
 * Functions that reach a table, a dictionary or a file named in a string argument, or a server
 * setting: the table checks below cannot see what they read.
 */
const BY_NAME_FUNCTIONS =
  /^(dictGet\w*|dictHas|dictIsIn|dictGetHierarchy|dictGetChildren|dictGetDescendants|joinGet\w*|hasColumnInTable|file|catboostEvaluate|modelEvaluate|getServerSetting|getMacro|filesystem\w*|url\w*|s3\w*|remote\w*)$/i;

/** `x IN t`: the right side of these, when an identifier, is a table. */
const IN_FUNCTIONS = new Set([
  'in',
  'notIn',
  'globalIn',
  'globalNotIn',
  'nullIn',
  'notNullIn',
  'globalNullIn',
  'globalNotNullIn',
]);

const SYSTEM_DATABASES = /^(system|information_schema)$/i;

function unquote(name: string): string {
  return name.replace(/^`|`$/g, '').replace(/^"|"$/g, '');
}

/** The database a (possibly qualified) table name reads, or null for an unqualified one. */
function databaseOf(name: string): string | null {
  const dot = name.indexOf('.');
  return dot === -1 ? null : unquote(name.slice(0, dot));
}

function tableProblem(name: string, database: string): string | null {
  const db = databaseOf(name);
  if (db === null) return null;
  if (SYSTEM_DATABASES.test(db)) return `${name}: system tables are not readable from a panel`;
  if (db !== database) return `${name}: a panel reads the platform's database (${database}) only`;
  return null;
}

/** Every reason the statement may not run (empty: it may). */
export function astProblems(text: string, database: string): string[] {
  const nodes = parseAst(text);
  const problems: string[] = [];
  const root = nodes[0];
  if (!root || root.node !== 'SelectWithUnionQuery') {
    return [`only a SELECT may run in a panel; this statement is ${root?.node ?? 'empty'}`];
  }
  nodes.forEach((n, i) => {
    const prev = nodes[i - 1];
    const next = nodes[i + 1];
    if (n.depth === 1 && n.node !== 'ExpressionList') {
      // The root's own clauses after the SELECTs: FORMAT (Identifier), INTO OUTFILE (Literal),
      // SETTINGS (Set).
      problems.push(
        n.node === 'Identifier'
          ? 'FORMAT is chosen by the panel; leave it out'
          : n.node === 'Literal'
            ? 'INTO OUTFILE writes a file on the server: not allowed'
            : `${n.node} clause is not allowed in a panel`,
      );
      return;
    }
    if (n.node === 'Set') {
      problems.push('SETTINGS inside the query are not allowed: the panel limits apply');
    } else if (n.node === 'TableExpression' && next?.node === 'Function' && next.depth === n.depth + 1) {
      problems.push(
        `table function ${next.arg ?? '?'}(…) is not allowed in a panel: read the platform's tables`,
      );
    } else if (n.node === 'TableIdentifier' && n.arg) {
      const p = tableProblem(n.arg, database);
      if (p) problems.push(p);
    } else if (n.node === 'Function' && n.arg && prev?.node !== 'TableExpression') {
      if (BY_NAME_FUNCTIONS.test(n.arg)) problems.push(`function ${n.arg} is not allowed in a panel`);
      if (IN_FUNCTIONS.has(n.arg)) {
        // Function in → ExpressionList → [left, right]: the arguments are at depth + 2.
        const args: AstNode[] = [];
        for (let j = i + 2; j < nodes.length && nodes[j]!.depth > n.depth + 1; j++) {
          if (nodes[j]!.depth === n.depth + 2) args.push(nodes[j]!);
        }
        const right = args[1];
        if (right?.node === 'Identifier' && right.arg) {
          const p = tableProblem(right.arg, database);
          if (p) problems.push(p);
        }
      }
    } else if (n.node === 'Identifier' && n.arg) {
      // `system.tables` as a column path can only mean the system database's table.
      const db = databaseOf(n.arg);
      if (db !== null && SYSTEM_DATABASES.test(db))
        problems.push(`${n.arg}: system tables are not readable from a panel`);
    }
  });
  return [...new Set(problems)];
}
