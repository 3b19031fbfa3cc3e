import { PageHeader } from '../components/ui';

export default function SecurityPage() {
  return <PageHeader title="SecurityPage" />;
}
