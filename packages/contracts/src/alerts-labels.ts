import { z } from 'zod';

/** Alert labels: what routing, grouping and silences match on. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
export const labelNameSchema = z
  .string()
  .regex(LABEL_NAME_RE, 'a label name is letters, digits and _, not starting with a digit (at most 64)');
export const labelsSchema = z
  .record(labelNameSchema, z.string().max(500))
  .refine((l) => Object.keys(l).length <= 30, { message: 'at most 30 labels' });
export type Labels = Record<string, string>;
