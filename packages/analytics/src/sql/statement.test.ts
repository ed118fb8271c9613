import { describe, expect, it } from 'vitest';
import { checkStatement, codeOnly } from './statement.ts';

describe('checkStatement', () => {
  it('passes one SELECT or WITH, dropping a trailing semicolon', () => {
    expect(checkStatement('  SELECT 1 ; ')).toEqual({ sql: 'SELECT 1', problem: null });
    expect(checkStatement('with a as (select 1) select * from a').problem).toBeNull();
    expect(checkStatement('(SELECT 1) UNION ALL (SELECT 2)').problem).toBeNull();
    expect(checkStatement("-- a comment; with a semicolon\nSELECT ';' AS x /* ; */").problem).toBeNull();
  });

  it('refuses writes, DDL, SET and two statements in plain words', () => {
    expect(checkStatement('INSERT INTO events SELECT 1').problem).toMatch(
      /only a SELECT .* this statement is INSERT/,
    );
    expect(checkStatement('drop table events').problem).toMatch(/this statement is DROP/);
    expect(checkStatement('SET max_threads = 1').problem).toMatch(/this statement is SET/);
    expect(checkStatement('ALTER TABLE events DELETE WHERE 1').problem).toMatch(/ALTER/);
    expect(checkStatement('SELECT 1; DROP TABLE events').problem).toMatch(/one statement only/);
    expect(checkStatement('SELECT 1;;').problem).toMatch(/one statement only/);
    expect(checkStatement('/* SELECT */ DROP TABLE x').problem).toMatch(/DROP/);
    expect(checkStatement('   ').problem).toBe('write a SELECT');
  });

  it('keeps positions when blanking comments and quotes', () => {
    const sql = "SELECT 'a;b', `we;ird` -- x;\n/* y; */ FROM t";
    const code = codeOnly(sql);
    expect(code).toHaveLength(sql.length);
    expect(code).not.toContain(';');
    expect(codeOnly("SELECT 'it''s', 'a\\'b'")).not.toContain('it');
  });
});
