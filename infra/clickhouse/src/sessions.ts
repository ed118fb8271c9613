// Named sessions (`session_id`): one chDB connection kept per id, so temporary tables and SET
// persist from one request to the next, as on a ClickHouse server. A session serves one
// request at a time and expires after `session_timeout` seconds without use.
import type { Session } from 'chdb';
import { ChError } from './ch-error.ts';

interface Entry {
  session: Session;
  busy: boolean;
  timeoutSeconds: number;
  timer?: NodeJS.Timeout;
}

export interface SessionRequest {
  id: string;
  /** `session_timeout` as sent, if any. */
  timeout?: string;
  /** `session_check=1`: the session must exist already. */
  check: boolean;
}

export interface SessionLease {
  session: Session;
  /** True when this request opened the session. */
  fresh: boolean;
  release(): void;
}

export class SessionRegistry {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly open: () => Session,
    private readonly limits: {
      maxSessions: number;
      defaultSessionTimeoutSeconds: number;
      maxSessionTimeoutSeconds: number;
    },
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  acquire(req: SessionRequest): SessionLease {
    const timeoutSeconds = this.#timeout(req.timeout);
    let entry = this.#entries.get(req.id);
    const fresh = !entry;
    if (!entry) {
      if (req.check) throw new ChError(372, 'SESSION_NOT_FOUND', `Session ${req.id} not found`);
      if (this.#entries.size >= this.limits.maxSessions) {
        throw new ChError(
          202,
          'TOO_MANY_SIMULTANEOUS_QUERIES',
          `Too many sessions: ${this.limits.maxSessions} are open`,
        );
      }
      entry = { session: this.open(), busy: false, timeoutSeconds };
      this.#entries.set(req.id, entry);
    }
    if (entry.busy) {
      throw new ChError(373, 'SESSION_IS_LOCKED', `Session ${req.id} is locked by a concurrent client`);
    }
    entry.busy = true;
    entry.timeoutSeconds = timeoutSeconds;
    clearTimeout(entry.timer);
    const held = entry;
    let released = false;
    return {
      session: held.session,
      fresh,
      release: () => {
        if (released) return;
        released = true;
        held.busy = false;
        held.timer = setTimeout(() => this.#expire(req.id, held), held.timeoutSeconds * 1000);
        held.timer.unref();
      },
    };
  }

  #timeout(raw: string | undefined): number {
    if (raw === undefined || raw === '') return this.limits.defaultSessionTimeoutSeconds;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      throw new ChError(36, 'BAD_ARGUMENTS', `Invalid session timeout: '${raw}'`);
    }
    if (n > this.limits.maxSessionTimeoutSeconds) {
      throw new ChError(
        36,
        'BAD_ARGUMENTS',
        `Session timeout '${n}' is larger than max_session_timeout: ${this.limits.maxSessionTimeoutSeconds}. Maximum session timeout could be modified in configuration file.`,
      );
    }
    return n;
  }

  #expire(id: string, entry: Entry): void {
    if (this.#entries.get(id) !== entry || entry.busy) return;
    this.#entries.delete(id);
    entry.session.close();
  }

  closeAll(): void {
    for (const [id, entry] of this.#entries) {
      clearTimeout(entry.timer);
      entry.session.close();
      this.#entries.delete(id);
    }
  }
}
