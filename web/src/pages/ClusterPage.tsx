import { rawRequest, ApiError } from '../api/client';
import { ErrorMessage, Loading, NotImplementedNotice, PageHeader, useLoad } from '../components/ui';

/** The cluster API answers 501 today: the page says so, with the server's words, and shows no made-up nodes. */
export default function ClusterPage() {
  const r = useLoad((signal) => rawRequest('GET', '/api/v1/cluster', undefined, signal), []);
  return (
    <>
      <PageHeader title="Cluster" subtitle="Nodes, cluster replication and migrations." />
      {r.loading && <Loading />}
      {r.error instanceof ApiError && r.error.status === 501 ? (
        <NotImplementedNotice error={r.error} />
      ) : (
        <ErrorMessage error={r.error} onRetry={r.reload} />
      )}
      {r.data !== undefined && <pre>{JSON.stringify(r.data, null, 2)}</pre>}
    </>
  );
}
