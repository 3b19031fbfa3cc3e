import { PageHeader } from '../components/ui';

export default function UserPage() {
  return <PageHeader title="UserPage" />;
}
