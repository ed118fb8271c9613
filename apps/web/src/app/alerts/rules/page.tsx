import { RulesList } from '../../../components/alerts/rules/rules-list.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Alert rules · Tributary' };

export default function AlertRulesPage() {
  return <RulesList />;
}
