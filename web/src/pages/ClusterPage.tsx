import { PageHeader } from '../components/ui';

export default function ClusterPage() {
  return <PageHeader title="ClusterPage" />;
}
