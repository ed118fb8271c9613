import { checkExpression as checkCel } from '@tributary/pipeline';
import { procedure } from '../trpc.ts';
import { checkExpressionInput } from './types.ts';

/**
 * Syntax and type check of one CEL expression as it is typed: `{ok: true}`, or `{ok: false,
 * message, position?}` (fields are checked with the whole draft, by `check`).
 */
export const checkExpression = procedure('read')
  .input(checkExpressionInput)
  .query(({ input }) => checkCel(input.expression));
