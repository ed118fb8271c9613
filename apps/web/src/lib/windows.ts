/** Time windows the Pipeline page offers, each with a chart bucket that gives 20–100 points. */
export const pipelineWindows = {
  '5m': { label: '5 min', seconds: 5 * 60, stepSeconds: 15, stepLabel: 'per 15 s' },
  '1h': { label: '1 hour', seconds: 60 * 60, stepSeconds: 60, stepLabel: 'per minute' },
  '24h': { label: '24 hours', seconds: 24 * 60 * 60, stepSeconds: 15 * 60, stepLabel: 'per 15 min' },
} as const;

export type PipelineWindow = keyof typeof pipelineWindows;
export const pipelineWindowKeys = Object.keys(pipelineWindows) as [PipelineWindow, ...PipelineWindow[]];

/** The Live chart: the last hour, one bucket per minute (the events_per_minute grain). */
export const LIVE_CHART = { minutes: 60, stepMs: 60_000 } as const;

/** Both pages poll; the brief for the console is "moves within 2 s". */
export const REFRESH_MS = 1500;

/** Rows in the Live tail. */
export const TAIL_LIMIT = 50;
