import { PageHeader } from '../components/ui';

export default function AccessKeysPage() {
  return <PageHeader title="AccessKeysPage" />;
}
