'use client';

import { useState } from 'react';
import type { PipelineWindow } from '../../lib/windows.ts';
import { PipelineView } from './pipeline-view.tsx';

/** Keeps the chosen window in the URL (?window=1h) so a view can be shared and reloaded. */
export function PipelinePage({ initialWindow }: { initialWindow: PipelineWindow }) {
  const [range, setRange] = useState(initialWindow);
  return (
    <PipelineView
      range={range}
      onRange={(next) => {
        setRange(next);
        // Next integrates history.replaceState with its router: no server round trip needed.
        window.history.replaceState(null, '', `?window=${next}`);
      }}
    />
  );
}
