import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { AccessKey, Ok, Paged, Role, User } from '../api/types';
import { useAuth } from '../auth/auth';
import { JsonEditor, jsonProblems } from '../components/JsonEditor';
import { CreateKeyButton, KeysTable } from '../components/Keys';
import { Badge, Confirm, ErrorMessage, Field, Loading, PageHeader, Success, useAction, useLoad } from '../components/ui';
import { isGlobalAdmin, ROLE_LABEL } from '../lib/access';
import { formatDate } from '../lib/format';

interface InlinePolicy {
  name: string;
  policy: unknown;
  created_at: string;
}

const SAMPLE_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::my-bucket', 'arn:aws:s3:::my-bucket/*'] },
    ],
  },
  null,
  2,
);

function Policies({ user }: { user: User }) {
  const list = useLoad(
    (signal) =>
      api
        .get<'/api/v1/users/{user}/policies', Paged<InlinePolicy>>('/api/v1/users/{user}/policies', { path: { user: user.id }, signal })
        .then((r) => r.data),
    [user.id],
  );
  const [editing, setEditing] = useState<{ name: string; text: string; isNew: boolean } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const { busy, error, run, setError } = useAction();
  return (
    <section className="panel" aria-labelledby="pol-title">
      <div className="actions" style={{ justifyContent: 'space-between' }}>
        <h2 id="pol-title">Inline policies</h2>
        <button type="button" className="btn" onClick={() => (setError(null), setEditing({ name: '', text: SAMPLE_POLICY, isNew: true }))}>
          Add policy
        </button>
      </div>
      <p className="muted small">Once a user has policies, the policies alone decide what their keys may do in their tenant.</p>
      <ErrorMessage error={list.error} />
      {list.data && list.data.length === 0 && <p className="muted">No policies: the tenant default applies.</p>}
      <ul>
        {(list.data ?? []).map((p) => (
          <li key={p.name} className="actions" style={{ marginBottom: 4 }}>
            <code>{p.name}</code>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => (setError(null), setEditing({ name: p.name, text: JSON.stringify(p.policy, null, 2), isNew: false }))}
            >
              Edit
            </button>
            <button type="button" className="btn btn-small" onClick={() => setRemoving(p.name)}>
              Detach
            </button>
          </li>
        ))}
      </ul>
      {editing && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run(async () => {
              await api.put('/api/v1/users/{user}/policies/{name}', {
                path: { user: user.id, name: editing.name },
                body: JSON.parse(editing.text) as never,
              });
              setEditing(null);
              list.reload();
            });
          }}
        >
          <Field label="Policy name">
            {(id) => (
              <input
                id={id}
                value={editing.name}
                disabled={!editing.isNew}
                onChange={(e) => setEditing({ ...editing, name: e.target.value })}
                required
              />
            )}
          </Field>
          <JsonEditor
            label="Policy document"
            value={editing.text}
            onChange={(text) => setEditing({ ...editing, text })}
            policy="identity"
          />
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !editing.name || jsonProblems(editing.text).length > 0}>
              Save policy
            </button>
            <button type="button" className="btn" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {removing && (
        <Confirm
          title={`Detach policy ${removing}`}
          message={`The policy ${removing} is removed from ${user.username}.`}
          action="Detach"
          onConfirm={async () => {
            await api.delete('/api/v1/users/{user}/policies/{name}', { path: { user: user.id, name: removing } });
            list.reload();
          }}
          onClose={() => setRemoving(null)}
        />
      )}
    </section>
  );
}

export default function UserPage() {
  const { id = '' } = useParams();
  const { user: me } = useAuth();
  const navigate = useNavigate();
  const u = useLoad(
    (signal) => api.get<'/api/v1/users/{id}', Ok<User>>('/api/v1/users/{id}', { path: { id }, signal }).then((r) => r.data),
    [id],
  );
  const keys = useLoad(
    (signal) =>
      api
        .get<'/api/v1/access-keys/user/{userId}', Paged<AccessKey>>('/api/v1/access-keys/user/{userId}', { path: { userId: id }, signal })
        .then((r) => r.data),
    [id],
  );
  const act = useAction();
  const [done, setDone] = useState('');
  const [password, setPassword] = useState('');
  const [deleting, setDeleting] = useState(false);
  const [role, setRole] = useState<Role | ''>('');
  if (u.loading && !u.data) return <Loading />;
  if (!u.data) return <ErrorMessage error={u.error} onRetry={u.reload} />;
  const user = u.data;
  const doIt = (label: string, fn: () => Promise<unknown>) =>
    act.run(async () => {
      setDone('');
      await fn();
      setDone(label);
      u.reload();
    });
  return (
    <>
      <PageHeader title={user.username} subtitle={`${ROLE_LABEL[user.role]}${user.tenant_name ? ` in tenant ${user.tenant_name}` : ''}`}>
        <button type="button" className="btn btn-danger" disabled={user.id === me?.id} onClick={() => setDeleting(true)}>
          Delete user
        </button>
      </PageHeader>
      <ErrorMessage error={act.error} />
      {done && <Success>{done}</Success>}
      <div className="grid-2">
        <section className="panel" aria-labelledby="acct-title">
          <h2 id="acct-title">Account</h2>
          <dl className="kv">
            <dt>Status</dt>
            <dd>
              <Badge tone={user.status === 'active' ? 'good' : 'bad'}>{user.status}</Badge>{' '}
              {user.locked && <Badge tone="bad">locked until {formatDate(user.locked_until)}</Badge>}
            </dd>
            <dt>Email</dt>
            <dd>{user.email ?? '—'}</dd>
            <dt>2FA</dt>
            <dd>{user.two_factor_enabled ? 'on' : 'off'}</dd>
            <dt>Failed logins</dt>
            <dd>{user.failed_login_attempts}</dd>
            <dt>Last login</dt>
            <dd>{formatDate(user.last_login_at)}</dd>
            <dt>Created</dt>
            <dd>{formatDate(user.created_at)}</dd>
          </dl>
          <div className="actions" style={{ marginTop: 12 }}>
            <button
              type="button"
              className="btn"
              disabled={act.busy || user.id === me?.id}
              onClick={() =>
                doIt(user.status === 'active' ? 'User deactivated' : 'User activated', () =>
                  api.patch('/api/v1/users/{id}/status', {
                    path: { id: user.id },
                    body: { status: user.status === 'active' ? 'inactive' : 'active' },
                  }),
                )
              }
            >
              {user.status === 'active' ? 'Deactivate' : 'Activate'}
            </button>
            {user.locked && (
              <button
                type="button"
                className="btn"
                disabled={act.busy}
                onClick={() => doIt('Account unlocked', () => api.post('/api/v1/users/{id}/unlock', { path: { id: user.id } }))}
              >
                Unlock
              </button>
            )}
            {user.two_factor_enabled && user.id !== me?.id && (
              <button
                type="button"
                className="btn"
                disabled={act.busy}
                onClick={() => doIt('2FA reset', () => api.post('/api/v1/auth/2fa/disable', { body: { user_id: user.id } }))}
              >
                Reset 2FA
              </button>
            )}
          </div>
        </section>
        <section className="panel" aria-labelledby="role-title">
          <h2 id="role-title">Role and password</h2>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (role) doIt('Role changed', () => api.put('/api/v1/users/{id}', { path: { id: user.id }, body: { role } }));
            }}
          >
            <Field label="Role">
              {(fid) => (
                <select id={fid} value={role || user.role} onChange={(e) => setRole(e.target.value as Role)}>
                  <option value="user">User</option>
                  <option value="tenant-admin">Tenant admin</option>
                  {isGlobalAdmin(me) && <option value="admin">Administrator</option>}
                </select>
              )}
            </Field>
            <button type="submit" className="btn" disabled={act.busy || !role || role === user.role}>
              Change role
            </button>
          </form>
          <form
            className="inline-form"
            style={{ marginTop: 12 }}
            onSubmit={(e) => {
              e.preventDefault();
              doIt('Password changed', () =>
                api.put('/api/v1/users/{id}/password', { path: { id: user.id }, body: { new_password: password } }),
              ).then(() => setPassword(''));
            }}
          >
            <Field label="New password">
              {(fid) => (
                <input
                  id={fid}
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" className="btn" disabled={act.busy || !password}>
              Set password
            </button>
          </form>
        </section>
      </div>
      <section className="panel" aria-labelledby="keys-title">
        <div className="actions" style={{ justifyContent: 'space-between' }}>
          <h2 id="keys-title">Access keys</h2>
          <CreateKeyButton userId={user.id} onCreated={keys.reload} />
        </div>
        <ErrorMessage error={keys.error} />
        {keys.data && <KeysTable keys={keys.data} onChanged={keys.reload} />}
      </section>
      <Policies user={user} />
      {deleting && (
        <Confirm
          title={`Delete user ${user.username}`}
          message="The user, their access keys and their policies are deleted."
          confirmText={user.username}
          action="Delete user"
          onConfirm={async () => {
            await api.delete('/api/v1/users/{id}', { path: { id: user.id } });
            navigate('/users');
          }}
          onClose={() => setDeleting(false)}
        />
      )}
    </>
  );
}
