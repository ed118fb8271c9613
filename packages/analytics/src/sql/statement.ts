/**
 * The first, lexical look at a panel's SQL: comments and quoted text set aside, is it one
 * statement, and does it start as a read (SELECT, WITH, or a parenthesised SELECT)? This runs
 * before anything is sent to ClickHouse, so INSERT, DROP, SET or two statements are refused with
 * plain words; the engine's own parser (ast.ts) then checks what the statement reads.
 */

export interface StatementCheck {
  /** The statement without a trailing `;` (what is sent to ClickHouse). */
  sql: string;
  /** Why it may not run, in words for the person who wrote it; null when it passes this check. */
  problem: string | null;
}

/** The text with every comment and quoted part replaced by spaces (positions kept). */
export function codeOnly(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if ((c === '-' && next === '-') || c === '#') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      // Quoted text: a backslash escapes, and a doubled quote is one quote (ClickHouse takes both).
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      const stop = Math.min(j + 1, sql.length);
      // Identifiers keep a placeholder so a keyword test never sees `select` inside quotes.
      out += c + ' '.repeat(Math.max(0, stop - i - 2)) + (stop - i >= 2 ? c : '');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const READ_START = /^\(*\s*(SELECT|WITH)\b/i;

export function checkStatement(input: string): StatementCheck {
  let sql = input.trim();
  const code = codeOnly(sql);
  const semicolon = code.indexOf(';');
  if (semicolon !== -1) {
    if (code.slice(semicolon + 1).trim() !== '' || code.slice(0, semicolon).includes(';')) {
      return { sql, problem: 'one statement only: the SQL has more than one (separated by ;)' };
    }
    sql = sql.slice(0, semicolon).trimEnd();
  }
  const start = code.trim();
  if (start === '') return { sql, problem: 'write a SELECT' };
  if (!READ_START.test(start)) {
    const word = /^\(*\s*([A-Za-z_]+)/.exec(start)?.[1]?.toUpperCase() ?? start.slice(0, 20);
    return {
      sql,
      problem: `only a SELECT (or WITH … SELECT) may run in a panel; this statement is ${word}`,
    };
  }
  return { sql, problem: null };
}
