// Pure helpers shared by the schema editor (live feedback) and the schemas router (the same
// verdict on the server), so both speak about a candidate's text the same way.

export interface SyntaxProblem {
  message: string;
  /** 1-based, when the parser said where. */
  line: number | null;
  column: number | null;
}

export type ParsedText = { ok: true; value: unknown } | { ok: false; problem: SyntaxProblem };

/** 1-based line and column of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** JSON.parse with the error position turned into a line and column a person can find. */
export function parseSchemaText(text: string): ParsedText {
  if (text.trim() === '') {
    return { ok: false, problem: { message: 'The schema is empty.', line: null, column: null } };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const position = /at position (\d+)/.exec(raw);
    const lineCol = /line (\d+) column (\d+)/.exec(raw);
    let line: number | null = null;
    let column: number | null = null;
    if (lineCol) {
      line = Number(lineCol[1]);
      column = Number(lineCol[2]);
    } else if (position) {
      ({ line, column } = lineAndColumn(text, Number(position[1])));
    }
    const message = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+.*$/, '');
    return { ok: false, problem: { message, line, column } };
  }
}

export function describeSyntaxProblem(p: SyntaxProblem): string {
  return p.line === null ? p.message : `Line ${p.line}, column ${p.column}: ${p.message}`;
}

/** Stable, readable text for a stored schema: two-space indentation, keys as stored. */
export function prettySchema(schema: unknown): string {
  return JSON.stringify(schema, null, 2);
}
