import { PageHeader } from '../components/ui';

export default function BucketSettingsPage() {
  return <PageHeader title="BucketSettingsPage" />;
}
