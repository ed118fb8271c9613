'use client';

import { useState } from 'react';

export interface RateLimit {
  eventsPerSecond: number | null;
  burst: number | null;
}

/** Empty → null (ingest's default); otherwise a whole number of events ≥ 1. */
function parseFigure(text: string): number | null | 'invalid' {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isInteger(n) && n >= 1 ? n : 'invalid';
}

/** A source's events per second and burst; empty fields mean ingest's default. */
export function RateLimitForm(props: {
  source: string;
  value: RateLimit;
  pending: boolean;
  onSave: (limit: RateLimit) => void;
}) {
  const [rate, setRate] = useState(props.value.eventsPerSecond?.toString() ?? '');
  const [burst, setBurst] = useState(props.value.burst?.toString() ?? '');
  const parsed = { eventsPerSecond: parseFigure(rate), burst: parseFigure(burst) };
  const invalid = parsed.eventsPerSecond === 'invalid' || parsed.burst === 'invalid';
  const unchanged =
    parsed.eventsPerSecond === props.value.eventsPerSecond && parsed.burst === props.value.burst;
  return (
    <form
      className="retention"
      data-testid={`source-rate-${props.source}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed.eventsPerSecond === 'invalid' || parsed.burst === 'invalid') return;
        props.onSave({ eventsPerSecond: parsed.eventsPerSecond, burst: parsed.burst });
      }}
    >
      <input
        className="input small-input num-input"
        inputMode="numeric"
        placeholder="default"
        aria-label={`Events per second from ${props.source}`}
        value={rate}
        onChange={(e) => setRate(e.target.value)}
      />
      <span className="muted small">/s, burst</span>
      <input
        className="input small-input num-input"
        inputMode="numeric"
        placeholder="default"
        aria-label={`Burst from ${props.source}`}
        value={burst}
        onChange={(e) => setBurst(e.target.value)}
      />
      <button className="btn" type="submit" disabled={props.pending || invalid || unchanged}>
        Save
      </button>
      {invalid && <span className="muted small">whole numbers of events, or empty for the default</span>}
    </form>
  );
}

export function describeRateLimit(l: RateLimit): string {
  const f = (n: number | null) => (n === null ? 'default' : n.toLocaleString('en-US'));
  return `${f(l.eventsPerSecond)}/s, burst ${f(l.burst)}`;
}
