import { RuleEditor } from '../../../../components/alerts/rules/rule-editor.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'New alert rule · Tributary' };

export default function NewAlertRulePage() {
  return <RuleEditor name={null} />;
}
