// What the integration global setup hands to every test file (vitest's provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    clickhouseUrl: string;
    postgresUrl: string;
    redisUrl: string;
  }
}
export {};
