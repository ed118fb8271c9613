import { NewProcessorForm } from '../../../components/processors/new-processor-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'New processor · Tributary' };

export default function NewProcessorPage() {
  return <NewProcessorForm />;
}
