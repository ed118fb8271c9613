// Splits a migration file into statements on `;` outside strings, quoted identifiers and
// comments. Statements that hold only comments are dropped.

export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const push = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (hasCode && text.length > 0) out.push(text);
    hasCode = false;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new Error('Unterminated /* comment in migration');
      i = close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
      hasCode = true;
    } else if (c === ';') {
      push(i);
      start = i + 1;
      i++;
    } else {
      if (c !== undefined && !/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  push(sql.length);
  return out;
}

function skipQuoted(sql: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') i += 2;
    else if (c === quote) {
      // A doubled quote is an escaped quote in ClickHouse SQL.
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  throw new Error(`Unterminated ${quote} quote in migration`);
}
