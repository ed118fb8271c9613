import { RuleEditor } from '../../../../components/alerts/rules/rule-editor.tsx';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `${decodeURIComponent((await params).name)} · Alert rules · Tributary` };
}

export default async function AlertRulePage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <RuleEditor name={decodeURIComponent(name)} />;
}
