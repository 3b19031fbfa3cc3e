import { useState } from 'react';
import { api } from '../api/client';
import type { Paged } from '../api/types';
import { PagedTable } from '../components/lists';
import { Badge, Confirm, CopyButton, PageHeader, useLoad } from '../components/ui';
import { formatDate } from '../lib/format';

interface ShareLink {
  id: string;
  bucket: string;
  key: string;
  created_by_username: string;
  created_at: string;
  expires_at: string | null;
  max_downloads: number | null;
  download_count: number;
  status: string;
  url?: string;
}

export default function SharesPage() {
  const [page, setPage] = useState(1);
  const [inactive, setInactive] = useState(false);
  const [revoking, setRevoking] = useState<ShareLink | null>(null);
  const list = useLoad(
    (signal) =>
      api.get<'/api/v1/shares', Paged<ShareLink>>('/api/v1/shares', {
        signal,
        query: { page, page_size: 100, ...(inactive ? { include_inactive: true } : {}) },
      }),
    [page, inactive],
  );
  return (
    <>
      <PageHeader title="Share links" subtitle="Public download links; create them from an object in the object browser.">
        <label className="check" style={{ margin: 0 }}>
          <input type="checkbox" checked={inactive} onChange={(e) => setInactive(e.target.checked)} /> Show expired and revoked
        </label>
      </PageHeader>
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={['Object', 'Created by', 'Expires', { label: 'Downloads', num: true }, 'Status', { label: 'Actions', srOnly: true }]}
        empty="No share links."
        row={(s) => (
          <tr key={s.id}>
            <td>
              {s.bucket}/{s.key}
            </td>
            <td>{s.created_by_username}</td>
            <td>{formatDate(s.expires_at)}</td>
            <td className="num">
              {s.download_count}
              {s.max_downloads ? ` / ${s.max_downloads}` : ''}
            </td>
            <td>
              <Badge tone={s.status === 'active' ? 'good' : 'neutral'}>{s.status}</Badge>
            </td>
            <td>
              <div className="actions">
                {s.url && <CopyButton text={s.url} label="Copy URL" />}
                {s.status === 'active' && (
                  <button type="button" className="btn btn-small" onClick={() => setRevoking(s)}>
                    Revoke
                  </button>
                )}
              </div>
            </td>
          </tr>
        )}
      />
      {revoking && (
        <Confirm
          title="Revoke share link"
          message={`The link to ${revoking.bucket}/${revoking.key} stops working at once.`}
          action="Revoke"
          onConfirm={async () => {
            await api.delete('/api/v1/shares/{id}', { path: { id: revoking.id } });
            list.reload();
          }}
          onClose={() => setRevoking(null)}
        />
      )}
    </>
  );
}
