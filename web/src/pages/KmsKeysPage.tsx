import { useState } from 'react';
import { api } from '../api/client';
import type { Paged } from '../api/types';
import { Badge, Confirm, CopyButton, ErrorMessage, Field, Loading, Modal, PageHeader, useAction, useLoad } from '../components/ui';
import { formatDate } from '../lib/format';

interface KmsKey {
  key_id: string;
  arn: string;
  alias: string | null;
  description: string | null;
  enabled: boolean;
  key_state: 'Enabled' | 'Disabled';
  is_default: boolean;
  created_at: string;
  rotated_at: string | null;
  versions: number;
}

type KeyAction = 'rotate' | 'enable' | 'disable' | 'default';

const CONFIRM: Record<KeyAction, string> = {
  rotate: 'New objects use new key material; objects encrypted before keep decrypting.',
  enable: 'Objects encrypted with this key can be read and written again.',
  disable: 'Reads and writes of objects encrypted with this key answer KMS.DisabledException until it is enabled again.',
  default: 'Requests that ask for aws:kms without a key id use this key.',
};

/** The keys of the built-in KMS (SSE-KMS): create, rotate, enable/disable, choose the default. */
export default function KmsKeysPage() {
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<{ key: KmsKey; action: KeyAction } | null>(null);
  const list = useLoad(
    (signal) => api.get<'/api/v1/kms/keys', Paged<KmsKey>>('/api/v1/kms/keys', { signal, query: { page_size: 100 } }),
    [],
  );
  return (
    <>
      <PageHeader
        title="KMS keys"
        subtitle="Keys of server-side encryption with aws:kms; their material is wrapped by the master key and never shown."
      >
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create key
        </button>
      </PageHeader>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Key</th>
                <th>Alias</th>
                <th>State</th>
                <th className="num">Versions</th>
                <th>Created</th>
                <th>Rotated</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(list.data?.data ?? []).map((k) => (
                <tr key={k.key_id}>
                  <td>
                    <code>{k.key_id}</code> <CopyButton text={k.arn} label="Copy ARN" />
                    {k.description && <div className="muted">{k.description}</div>}
                  </td>
                  <td>{k.alias ?? '—'}</td>
                  <td>
                    <Badge tone={k.enabled ? 'good' : 'bad'}>{k.key_state}</Badge> {k.is_default && <Badge tone="info">default</Badge>}
                  </td>
                  <td className="num">{k.versions}</td>
                  <td>{formatDate(k.created_at)}</td>
                  <td>{formatDate(k.rotated_at)}</td>
                  <td>
                    <div className="actions">
                      <button type="button" className="btn btn-small" onClick={() => setPending({ key: k, action: 'rotate' })}>
                        Rotate
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setPending({ key: k, action: k.enabled ? 'disable' : 'enable' })}
                      >
                        {k.enabled ? 'Disable' : 'Enable'}
                      </button>
                      {!k.is_default && (
                        <button type="button" className="btn btn-small" onClick={() => setPending({ key: k, action: 'default' })}>
                          Make default
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data?.data.length === 0 && (
            <div className="empty">No KMS keys yet: the default key is created by the first aws:kms upload.</div>
          )}
        </div>
      )}
      {creating && (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
      {pending && (
        <Confirm
          title={`${pending.action === 'default' ? 'Make default' : pending.action[0].toUpperCase() + pending.action.slice(1)} key ${pending.key.alias ?? pending.key.key_id}`}
          message={CONFIRM[pending.action]}
          action={pending.action === 'default' ? 'Make default' : pending.action[0].toUpperCase() + pending.action.slice(1)}
          onConfirm={async () => {
            await api.post(`/api/v1/kms/keys/{id}/${pending.action}` as '/api/v1/kms/keys/{id}/rotate', {
              path: { id: pending.key.key_id },
            });
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
    </>
  );
}

function CreateKeyDialog({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const [alias, setAlias] = useState('');
  const [description, setDescription] = useState('');
  const [isDefault, setIsDefault] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <Modal title="Create KMS key" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            await api.post('/api/v1/kms/keys', {
              body: { ...(alias ? { alias } : {}), ...(description ? { description } : {}), is_default: isDefault },
            });
            onSaved();
          });
        }}
      >
        <div className="modal-body">
          <Field label="Alias" hint="Optional: alias/<name>, unique (letters, digits, / _ -)">
            {(id) => <input id={id} value={alias} onChange={(e) => setAlias(e.target.value)} />}
          </Field>
          <Field label="Description">
            {(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
          <label className="check">
            <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} /> Default key for aws:kms
          </label>
          <ErrorMessage error={error} />
        </div>
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create key
          </button>
        </div>
      </form>
    </Modal>
  );
}
