import { PageHeader } from '../components/ui';

export default function IdentityProvidersPage() {
  return <PageHeader title="IdentityProvidersPage" />;
}
