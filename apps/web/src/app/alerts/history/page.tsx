import { HistoryView } from '../../../components/alerts/history/history-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Alert history · Tributary' };

type Search = Record<string, string | string[] | undefined>;

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Search> }) {
  const q = await searchParams;
  // ?rule=<name>: one rule's history (links from the Alerts and Rules pages).
  const rule = typeof q.rule === 'string' && q.rule.length > 0 && q.rule.length <= 64 ? q.rule : undefined;
  return <HistoryView key={rule ?? ''} rule={rule} />;
}
