'use client';

import { useCan } from '../../lib/use-can.ts';

/**
 * Says whether fields tagged pii are shown. They are shown only to people (and keys) holding the
 * pii grant; the server masks them for everyone else, so there is nothing to unlock here.
 */
export function PiiControl() {
  const canSeePii = useCan('pii:read');
  if (canSeePii) {
    return (
      <div className="pii-control" data-testid="pii-control" data-state="revealed">
        <span className="pill pill-warn">pii visible</span>
        <span className="muted small">you hold the pii grant; what you open is audited</span>
      </div>
    );
  }
  return (
    <div className="pii-control" data-testid="pii-control" data-state="masked">
      <span className="muted small">pii masked (needs the pii grant)</span>
    </div>
  );
}
