export {
  compileLinear,
  linearPatternProblem,
  linearRegExpEngine,
  schemaPatterns,
  UnsupportedPatternError,
  type LinearRegExp,
} from './linear-regex.ts';
