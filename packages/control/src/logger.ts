/** The part of a logger the relay and the follower use (a pino Logger of @tributary/telemetry fits). */
export interface ControlLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}
