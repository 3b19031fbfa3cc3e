import { PageHeader } from '../components/ui';

export default function SharesPage() {
  return <PageHeader title="SharesPage" />;
}
