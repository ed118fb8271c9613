'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import type { ErrorLike } from '../../lib/error-text.ts';
import type { BrowseRequestInput } from '../../server/messages/browse-input.ts';
import {
  browseFrameSchema,
  type BrowsedEvent,
  type BrowseFrame,
  type BrowseProgress,
  type EndReason,
} from '../../server/messages/frames.ts';
import { createLineSplitter } from './ndjson-lines.ts';

export interface ScanState {
  status: 'idle' | 'running' | 'ended' | 'failed';
  started: Extract<BrowseFrame, { type: 'started' }> | null;
  events: BrowsedEvent[];
  progress: BrowseProgress | null;
  /** How the scan ended ('stopped' also when Stop was pressed before the server said so). */
  endReason: EndReason | null;
  firstEvalError: string | null;
  error: ErrorLike | null;
  /** Browser-side time to the first result, ms after the request was sent. */
  firstResultMs: number | null;
}

const IDLE: ScanState = {
  status: 'idle',
  started: null,
  events: [],
  progress: null,
  endReason: null,
  firstEvalError: null,
  error: null,
  firstResultMs: null,
};

/** How often streamed results are handed to React: a fast scan must not render per event. */
const FLUSH_MS = 100;

/**
 * Runs one scan over POST /api/messages/browse and reads its NDJSON as it arrives. `stop()`
 * aborts the fetch, which cancels the response body; the server stops reading Kafka and closes
 * its client on that cancel (browse-route.ts). Leaving the page stops the scan too.
 */
export function useMessageScan() {
  const [state, setState] = useState<ScanState>(IDLE);
  const controller = useRef<AbortController | null>(null);

  const stop = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
  }, []);

  useEffect(() => stop, [stop]);

  const start = useCallback(
    async (request: BrowseRequestInput) => {
      stop();
      const ac = new AbortController();
      controller.current = ac;
      setState({ ...IDLE, status: 'running' });
      const sentAt = performance.now();
      let pending: BrowsedEvent[] = [];
      let patch: Partial<ScanState> = {};
      let lastFlush = 0;
      const flush = (force = false) => {
        const now = performance.now();
        if (!force && now - lastFlush < FLUSH_MS) return;
        lastFlush = now;
        const add = pending;
        const p = patch;
        pending = [];
        patch = {};
        if (add.length === 0 && Object.keys(p).length === 0) return;
        setState((s) => ({ ...s, ...p, events: add.length > 0 ? s.events.concat(add) : s.events }));
      };
      try {
        const res = await fetch('/api/messages/browse', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: ac.signal,
        });
        if (!res.ok || !res.body) {
          const error = await refusal(res);
          setState((s) => ({ ...s, status: 'failed', error }));
          return;
        }
        const reader = res.body.getReader();
        const lines = createLineSplitter();
        let firstResult: number | null = null;
        const apply = (line: string) => {
          const parsed = browseFrameSchema.safeParse(safeJson(line));
          if (!parsed.success) return;
          const f = parsed.data;
          if (f.type === 'started') patch.started = f;
          else if (f.type === 'event') {
            if (firstResult === null) {
              firstResult = performance.now() - sentAt;
              patch.firstResultMs = firstResult;
            }
            pending.push(f.event);
          } else if (f.type === 'progress') patch.progress = f.progress;
          else if (f.type === 'end') {
            Object.assign(patch, {
              status: 'ended',
              progress: f.progress,
              endReason: f.reason,
              firstEvalError: f.firstEvalError,
            } satisfies Partial<ScanState>);
          } else {
            Object.assign(patch, {
              status: 'failed',
              error: { message: f.message, data: { tributaryCode: f.code, retryable: true } },
            } satisfies Partial<ScanState>);
          }
        };
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const line of lines.push(value)) apply(line);
          flush();
        }
        for (const line of lines.end()) apply(line);
        flush(true);
      } catch (err) {
        flush(true);
        if (ac.signal.aborted) {
          setState((s) => (s.status === 'running' ? { ...s, status: 'ended', endReason: 'stopped' } : s));
        } else {
          setState((s) => ({
            ...s,
            status: 'failed',
            error: { message: err instanceof Error ? err.message : String(err) },
          }));
        }
      } finally {
        if (controller.current === ac) controller.current = null;
      }
    },
    [stop],
  );

  return { state, start, stop };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}

const refusalSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean().optional() }),
});

/** The route's JSON error (code, plain words) as the console's error banner reads it. */
async function refusal(res: Response): Promise<ErrorLike> {
  const parsed = refusalSchema.safeParse(safeJson(await res.text().catch(() => '')));
  const e = parsed.success ? parsed.data.error : null;
  return {
    message: e?.message ?? `the console answered ${res.status}`,
    data: {
      httpStatus: res.status,
      tributaryCode: e?.code ?? null,
      retryable: e?.retryable === true,
      details: null,
    },
  };
}
