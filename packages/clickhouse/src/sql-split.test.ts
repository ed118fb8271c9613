import { describe, expect, it } from 'vitest';
import { splitStatements } from './sql-split.ts';

describe('splitStatements', () => {
  it('splits on semicolons and drops comment-only pieces', () => {
    const sql = `-- header; with a semicolon
CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory;
/* block; comment */
CREATE VIEW v AS SELECT "we;ird" FROM \`t;x\`;
-- trailing comment only
`;
    expect(splitStatements(sql)).toEqual([
      "-- header; with a semicolon\nCREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory",
      '/* block; comment */\nCREATE VIEW v AS SELECT "we;ird" FROM `t;x`',
    ]);
  });

  it('keeps a last statement without a semicolon and handles escaped quotes', () => {
    expect(splitStatements("SELECT 'it\\'s'; SELECT 'a''b'")).toEqual(["SELECT 'it\\'s'", "SELECT 'a''b'"]);
  });

  it('rejects unterminated strings', () => {
    expect(() => splitStatements("SELECT 'oops")).toThrow(/Unterminated/);
  });
});
