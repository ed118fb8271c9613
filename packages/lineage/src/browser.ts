// What the console's pages may import: types and pure functions, nothing that reaches a database.
export * from './graph.ts';
export { focusGraph, searchNodes } from './focus.ts';
export { lineageNeighbours, type LineageNeighbours } from './neighbours.ts';
