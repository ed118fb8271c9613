export { astProblems, parseAst } from './ast.ts';
export { checkStatement, codeOnly } from './statement.ts';
export {
  checkPanelSql,
  rowsToSeries,
  runSqlPanel,
  SQL_PANEL_LIMITS,
  sqlPanelParams,
  type SqlColumn,
  type SqlPanelOptions,
  type SqlPanelResult,
} from './run-sql-panel.ts';
