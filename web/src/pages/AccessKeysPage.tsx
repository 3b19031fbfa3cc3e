import { useState } from 'react';
import { api } from '../api/client';
import type { AccessKey, Paged } from '../api/types';
import { useAuth } from '../auth/auth';
import { CreateKeyButton, KeysTable } from '../components/Keys';
import { ErrorMessage, Loading, PageHeader, Pager, useLoad } from '../components/ui';
import { canSee } from '../lib/access';

export default function AccessKeysPage() {
  const { user } = useAuth();
  const [page, setPage] = useState(1);
  const list = useLoad(
    (signal) =>
      api.get<'/api/v1/access-keys', Paged<AccessKey>>('/api/v1/access-keys', { signal, query: { page, page_size: 100 } as never }),
    [page],
  );
  return (
    <>
      <PageHeader
        title="Access keys"
        subtitle={
          canSee(user, 'admins')
            ? 'The keys of every user you manage; create keys for others from their user page.'
            : 'Your keys for the S3 API.'
        }
      >
        <CreateKeyButton onCreated={list.reload} />
      </PageHeader>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : <KeysTable keys={list.data?.data ?? []} onChanged={list.reload} showUser />}
      {list.data && <Pager page={page} totalPages={list.data.pagination.total_pages} onPage={setPage} />}
    </>
  );
}
