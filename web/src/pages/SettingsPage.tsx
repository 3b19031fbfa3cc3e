import { PageHeader } from '../components/ui';

export default function SettingsPage() {
  return <PageHeader title="SettingsPage" />;
}
