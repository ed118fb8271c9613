import { describe, expect, it } from 'vitest';
import { astProblems } from './ast.ts';

// EXPLAIN AST output of the embedded engine (ClickHouse 26.x), captured for these statements.
const ok = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 2)
    Identifier event_type
    Function count (alias v) (children 1)
     ExpressionList
   TablesInSelectQuery (children 2)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier tributary.events (alias e)
    TablesInSelectQueryElement (children 2)
     TableExpression (children 1)
      TableIdentifier rollup_events_1h
     TableJoin (children 1)
      Literal UInt64_1
   Function in (children 1)
    ExpressionList (children 2)
     Identifier data.plan
     Identifier tributary.plans`;

const bad = `SelectWithUnionQuery (children 2)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 1)
    Function dictGet (children 1)
     ExpressionList (children 1)
      Literal 'x'
   TablesInSelectQuery (children 3)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier system.tables (alias t)
    TablesInSelectQueryElement (children 2)
     TableExpression (children 1)
      Function numbers (children 1)
       ExpressionList (children 1)
        Literal UInt64_10
     TableJoin
    TablesInSelectQueryElement (children 2)
     TableExpression (children 1)
      TableIdentifier other.t
     TableJoin
   Function in (children 1)
    ExpressionList (children 2)
     Identifier x
     Identifier INFORMATION_SCHEMA.TABLES
 Identifier CSV`;

describe('astProblems', () => {
  it("passes a SELECT over the platform's tables (qualified or not)", () => {
    expect(astProblems(ok, 'tributary')).toEqual([]);
  });

  it('names each refused part', () => {
    const problems = astProblems(bad, 'tributary').join('\n');
    expect(problems).toMatch(/system\.tables: system tables are not readable/);
    expect(problems).toMatch(/table function numbers/);
    expect(problems).toMatch(/other\.t: a panel reads the platform's database \(tributary\) only/);
    expect(problems).toMatch(/INFORMATION_SCHEMA\.TABLES: system tables/);
    expect(problems).toMatch(/function dictGet/);
    expect(problems).toMatch(/FORMAT is chosen by the panel/);
  });

  it('refuses anything but a SELECT, and SETTINGS', () => {
    expect(astProblems('InsertQuery   (children 2)\n Identifier t', 'tributary')).toEqual([
      'only a SELECT may run in a panel; this statement is InsertQuery',
    ]);
    expect(
      astProblems('SelectWithUnionQuery\n ExpressionList\n  SelectQuery\n   Set', 'tributary')[0],
    ).toMatch(/SETTINGS/);
  });
});
