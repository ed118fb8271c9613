import { describe, expect, it } from 'vitest';
import { applyLimits, authorize, shapeOf, type ChUser } from './access.ts';

// EXPLAIN AST output of the engine (26.7), as the server receives it.
const FILE_IN_SUBQUERY = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier prt
   Function in (children 1)
    ExpressionList (children 2)
     Literal UInt64_1
     Subquery (children 1)
      SelectWithUnionQuery (children 1)
       ExpressionList (children 1)
        SelectQuery (children 2)
         TablesInSelectQuery (children 1)
          TablesInSelectQueryElement (children 1)
           TableExpression (children 1)
            Function file (children 1)
`;
const INTO_OUTFILE = `SelectWithUnionQuery (children 2)
 ExpressionList (children 1)
  SelectQuery (children 1)
   ExpressionList (children 1)
    Literal UInt64_1
 Literal \\'/tmp/zz\\'
`;
const WITH_FORMAT = `SelectWithUnionQuery (children 2)
 ExpressionList (children 1)
  SelectQuery (children 1)
   ExpressionList (children 1)
    Literal UInt64_1
 Identifier JSON
`;
const INSERT_SELECT = `InsertQuery   (children 3)
 Identifier acl
 Identifier events
 SelectWithUnionQuery (children 1)
  ExpressionList (children 1)
   SelectQuery (children 1)
    ExpressionList (children 1)
     Literal UInt64_1
`;

const FILE_FUNCTION = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 1)
   ExpressionList (children 1)
    Function substring (children 1)
     ExpressionList (children 3)
      Function file (children 1)
       ExpressionList (children 1)
        Literal \\'/etc/hostname\\'
      Literal UInt64_1
      Literal UInt64_40
`;

const user = (profile: ChUser['profile'], extra: Partial<ChUser> = {}): ChUser => ({
  name: 'u',
  password_sha256_hex: '0'.repeat(64),
  profile,
  insert_tables: [],
  limits: {},
  ...extra,
});

describe('statement shapes', () => {
  it('finds table functions at any depth', () => {
    expect(shapeOf(FILE_IN_SUBQUERY)).toMatchObject({
      kind: 'SelectWithUnionQuery',
      tableFunctions: ['file'],
    });
    expect(shapeOf(FILE_IN_SUBQUERY).functions).toEqual(['in']);
  });

  it('lists ordinary functions apart from table functions', () => {
    expect(shapeOf(FILE_FUNCTION)).toMatchObject({ tableFunctions: [], functions: ['substring', 'file'] });
  });

  it('tells INTO OUTFILE (a literal under the root) from FORMAT (an identifier)', () => {
    expect(shapeOf(INTO_OUTFILE).touchesServerFile).toBe(true);
    expect(shapeOf(WITH_FORMAT).touchesServerFile).toBe(false);
  });

  it('reads an insert target', () => {
    expect(shapeOf(INSERT_SELECT)).toMatchObject({ kind: 'InsertQuery', insertTable: 'acl.events' });
  });
});

describe('authorize', () => {
  it('lets readers read, writers insert, admins do anything', () => {
    expect(() => authorize(user('reader'), shapeOf(WITH_FORMAT))).not.toThrow();
    expect(() => authorize(user('reader'), shapeOf(INSERT_SELECT))).toThrow(/Not enough privileges/);
    expect(() =>
      authorize(user('reader', { insert_tables: ['acl.events'] }), shapeOf(INSERT_SELECT)),
    ).not.toThrow();
    expect(() =>
      authorize(user('reader', { insert_tables: ['events'] }), shapeOf(INSERT_SELECT)),
    ).not.toThrow();
    expect(() =>
      authorize(user('reader', { insert_tables: ['other.events', 'acl'] }), shapeOf(INSERT_SELECT)),
    ).toThrow(/INSERT INTO acl.events/);
    expect(() => authorize(user('writer'), shapeOf(INSERT_SELECT))).not.toThrow();
    expect(() => authorize(user('writer'), shapeOf('CreateQuery x (children 1)\n'))).toThrow(/CreateQuery/);
    expect(() => authorize(user('admin'), shapeOf(FILE_IN_SUBQUERY))).not.toThrow();
  });

  it('refuses host-reaching table functions and server files to non-admins', () => {
    expect(() => authorize(user('writer'), shapeOf(FILE_IN_SUBQUERY))).toThrow(/table function file/);
    expect(() => authorize(user('reader'), shapeOf(INTO_OUTFILE))).toThrow(/OUTFILE/);
    expect(() => authorize(user('reader'), shapeOf(FILE_FUNCTION))).toThrow(/function file reads/);
    expect(() => authorize(user('writer'), shapeOf(FILE_FUNCTION))).toThrow(/function file reads/);
    expect(() => authorize(user('admin'), shapeOf(FILE_FUNCTION))).not.toThrow();
  });
});

describe('limits of a user', () => {
  const reader = user('reader', { limits: { max_execution_time: 30 } });
  it('fills in the ceiling and refuses more, or 0 (unlimited)', () => {
    expect(applyLimits(reader, {})).toEqual({ max_execution_time: '30' });
    expect(applyLimits(reader, { max_execution_time: '10' })).toEqual({ max_execution_time: '10' });
    expect(() => applyLimits(reader, { max_execution_time: '31' })).toThrow(/shouldn't be greater than 30/);
    expect(() => applyLimits(reader, { max_execution_time: '0' })).toThrow(/SETTING|greater/);
  });
});
