// An error the HTTP layer raises itself, with the ClickHouse code and name a ClickHouse server
// would use for the same condition, and the HTTP status when it differs from the code's own.
export class ChError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
