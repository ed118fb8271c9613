'use client';

import { useMemo } from 'react';
import { diffStats, lineDiff } from './line-diff.ts';
import { prettySchema } from './schema-text.ts';

interface Version {
  version: number;
  schema: Record<string, unknown>;
}

function VersionPicker(props: {
  label: string;
  value: number;
  versions: Version[];
  onChange: (v: number) => void;
  testId: string;
}) {
  return (
    <label className="picker">
      <span className="muted">{props.label}</span>
      <select
        className="select"
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
        data-testid={props.testId}
      >
        {props.versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Side-by-side line diff of two versions' pretty-printed schemas. */
export function VersionDiff(props: {
  versions: Version[];
  left: number;
  right: number;
  onLeft: (v: number) => void;
  onRight: (v: number) => void;
}) {
  const left = props.versions.find((v) => v.version === props.left);
  const right = props.versions.find((v) => v.version === props.right);
  const lines = useMemo(
    () => (left && right ? lineDiff(prettySchema(left.schema), prettySchema(right.schema)) : []),
    [left, right],
  );
  const stats = diffStats(lines);
  // Pair rows: unchanged lines sit side by side; within a change, removed lines fill the left
  // column and added lines the right, top-aligned.
  const rows = useMemo(() => {
    const out: {
      l?: { n: number; text: string; kind: 'same' | 'removed' };
      r?: { n: number; text: string; kind: 'same' | 'added' };
    }[] = [];
    let removed: { n: number; text: string }[] = [];
    let added: { n: number; text: string }[] = [];
    const flush = () => {
      for (let i = 0; i < Math.max(removed.length, added.length); i++) {
        const l = removed[i];
        const r = added[i];
        out.push({
          ...(l ? { l: { ...l, kind: 'removed' as const } } : {}),
          ...(r ? { r: { ...r, kind: 'added' as const } } : {}),
        });
      }
      removed = [];
      added = [];
    };
    for (const line of lines) {
      if (line.kind === 'removed') removed.push({ n: line.left, text: line.text });
      else if (line.kind === 'added') added.push({ n: line.right, text: line.text });
      else {
        flush();
        out.push({
          l: { n: line.left, text: line.text, kind: 'same' },
          r: { n: line.right, text: line.text, kind: 'same' },
        });
      }
    }
    flush();
    return out;
  }, [lines]);

  return (
    <div>
      <div className="diff-toolbar">
        <VersionPicker
          label="from"
          value={props.left}
          versions={props.versions}
          onChange={props.onLeft}
          testId="diff-left"
        />
        <VersionPicker
          label="to"
          value={props.right}
          versions={props.versions}
          onChange={props.onRight}
          testId="diff-right"
        />
        <span className="muted" data-testid="diff-stats">
          <span className="diff-count-added">+{stats.added}</span>{' '}
          <span className="diff-count-removed">−{stats.removed}</span>
          {stats.added + stats.removed === 0 && ' · identical'}
        </span>
      </div>
      <div className="diff" data-testid="diff-view">
        {rows.map((row, i) => (
          <div className="diff-row" key={i}>
            <span className="diff-num">{row.l?.n ?? ''}</span>
            <span
              className={`diff-cell ${row.l ? `diff-${row.l.kind}` : 'diff-empty'}`}
              data-testid={row.l?.kind === 'removed' ? 'diff-removed' : undefined}
            >
              {row.l?.text ?? ''}
            </span>
            <span className="diff-num">{row.r?.n ?? ''}</span>
            <span
              className={`diff-cell ${row.r ? `diff-${row.r.kind}` : 'diff-empty'}`}
              data-testid={row.r?.kind === 'added' ? 'diff-added' : undefined}
            >
              {row.r?.text ?? ''}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
