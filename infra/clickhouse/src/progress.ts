// X-ClickHouse-Progress headers (send_progress_in_http_headers=1): the engine's progress of the
// query, sampled from system.processes while the first result chunk is being produced.
// NOTE: Node writes all headers at once, so the samples arrive together with the result rather
// than one by one as a ClickHouse server sends them; a client reads the same fields.
import type { Engine } from './engine.ts';
import { quoteLiteral } from './settings.ts';

export interface ProgressSample {
  read_rows: string;
  read_bytes: string;
  written_rows: string;
  written_bytes: string;
  total_rows_to_read: string;
  result_rows: string;
  result_bytes: string;
  elapsed_ns: string;
}

const MAX_SAMPLES = 50;

export function sampleProgress(
  engine: Engine,
  tag: string,
  intervalMs: number,
): { stop(): ProgressSample[] } {
  const samples: ProgressSample[] = [];
  let stopped = false;
  const sql = `SELECT read_rows, read_bytes, written_rows, written_bytes, total_rows_approx, elapsed
               FROM system.processes WHERE Settings['log_comment'] = ${quoteLiteral(tag)} FORMAT JSONEachRow`;
  const tick = async () => {
    if (stopped) return;
    const session = engine.connect();
    try {
      const r = await session.queryAsync(sql);
      const row = r.text().trim();
      if (row && !stopped) {
        const p = JSON.parse(row.split('\n')[0] ?? '{}') as Record<string, number | string>;
        samples.push({
          read_rows: String(p.read_rows ?? 0),
          read_bytes: String(p.read_bytes ?? 0),
          written_rows: String(p.written_rows ?? 0),
          written_bytes: String(p.written_bytes ?? 0),
          total_rows_to_read: String(p.total_rows_approx ?? 0),
          result_rows: '0',
          result_bytes: '0',
          elapsed_ns: String(Math.round(Number(p.elapsed ?? 0) * 1e9)),
        });
        if (samples.length > MAX_SAMPLES) samples.shift();
      }
    } catch {
      // A sample is a courtesy; the query itself reports its own errors.
    } finally {
      session.close();
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      return samples;
    },
  };
}
