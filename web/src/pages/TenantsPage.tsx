import { PageHeader } from '../components/ui';

export default function TenantsPage() {
  return <PageHeader title="TenantsPage" />;
}
