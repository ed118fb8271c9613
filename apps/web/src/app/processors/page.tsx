import { ProcessorsList } from '../../components/processors/processors-list.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Processors · Tributary' };

export default function ProcessorsPage() {
  return <ProcessorsList />;
}
