import { useState } from 'react';
import { api } from '../api/client';
import type { AccessKey, Ok } from '../api/types';
import { formatDate } from '../lib/format';
import { Badge, Confirm, CopyButton, ErrorMessage, Modal, useAction } from './ui';

/** The secret of a new key, shown this once, with copy buttons and the AWS CLI lines. */
export function NewKeyDialog({ created, onClose }: { created: AccessKey; onClose: () => void }) {
  const env = `export AWS_ACCESS_KEY_ID=${created.access_key_id}\nexport AWS_SECRET_ACCESS_KEY=${created.secret_access_key}`;
  return (
    <Modal title="Access key created" onClose={onClose}>
      <div className="modal-body">
        <div className="alert alert-warn" role="status">
          Copy the secret key now: it is shown only this once and cannot be recovered.
        </div>
        <dl className="kv">
          <dt>Access key</dt>
          <dd>
            <code data-testid="new-access-key">{created.access_key_id}</code> <CopyButton text={created.access_key_id} />
          </dd>
          <dt>Secret key</dt>
          <dd>
            <code data-testid="new-secret-key">{created.secret_access_key}</code>{' '}
            <CopyButton text={created.secret_access_key ?? ''} label="Copy secret" />
          </dd>
        </dl>
        <h3>Shell</h3>
        <pre>{env}</pre>
        <CopyButton text={env} label="Copy both as export lines" />
      </div>
      <div className="modal-foot">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          I have saved the secret
        </button>
      </div>
    </Modal>
  );
}

export function KeysTable({ keys, onChanged, showUser }: { keys: AccessKey[]; onChanged: () => void; showUser?: boolean }) {
  const [deleting, setDeleting] = useState<AccessKey | null>(null);
  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Access key</th>
              {showUser && <th>User</th>}
              <th>Status</th>
              <th>Created</th>
              <th>Last used</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.access_key_id}>
                <td>
                  <code>{k.access_key_id}</code>
                </td>
                {showUser && <td>{k.username}</td>}
                <td>
                  <Badge tone={k.status === 'active' ? 'good' : 'bad'}>{k.status}</Badge>
                </td>
                <td>{formatDate(k.created_at)}</td>
                <td>{formatDate(k.last_used_at)}</td>
                <td>
                  <div className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Delete access key ${k.access_key_id}`}
                      onClick={() => setDeleting(k)}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys.length === 0 && <div className="empty">No access keys.</div>}
      </div>
      {deleting && (
        <Confirm
          title={`Delete access key ${deleting.access_key_id}`}
          message="Programs using this key stop working at once."
          action="Delete key"
          onConfirm={async () => {
            await api.delete('/api/v1/access-keys/{id}', { path: { id: deleting.access_key_id } });
            onChanged();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}

export function CreateKeyButton({ userId, onCreated }: { userId?: string; onCreated: () => void }) {
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<AccessKey | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn-primary"
        disabled={busy}
        onClick={() =>
          run(async () => {
            const r = await api.post<'/api/v1/access-keys', Ok<AccessKey>>('/api/v1/access-keys', {
              body: userId ? { user_id: userId } : {},
            });
            setCreated(r.data);
            onCreated();
          })
        }
      >
        {busy ? 'Creating…' : 'Create access key'}
      </button>
      <ErrorMessage error={error} />
      {created && <NewKeyDialog created={created} onClose={() => setCreated(null)} />}
    </>
  );
}
