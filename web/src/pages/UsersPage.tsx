import { PageHeader } from '../components/ui';

export default function UsersPage() {
  return <PageHeader title="UsersPage" />;
}
