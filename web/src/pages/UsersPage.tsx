import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Paged, Role, Tenant, User } from '../api/types';
import { useAuth } from '../auth/auth';
import { FormModal, PagedTable } from '../components/lists';
import { Badge, Field, PageHeader, useLoad } from '../components/ui';
import { isGlobalAdmin, ROLE_LABEL } from '../lib/access';
import { formatDate } from '../lib/format';

function CreateUser({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { user } = useAuth();
  const global = isGlobalAdmin(user);
  const tenants = useLoad(
    (signal) =>
      global
        ? api.get<'/api/v1/tenants', Paged<Tenant>>('/api/v1/tenants', { signal, query: { page_size: 1000 } }).then((r) => r.data)
        : Promise.resolve([]),
    [global],
  );
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [tenant, setTenant] = useState(global ? '' : (user?.tenant_id ?? ''));
  return (
    <FormModal
      title="Create user"
      submit="Create user"
      busyLabel="Creating…"
      disabled={!username || !password}
      error={tenants.error}
      onClose={onClose}
      onSubmit={async () => {
        await api.post('/api/v1/users', {
          body: { username, password, role, ...(email ? { email } : {}), ...(tenant ? { tenant_id: tenant } : {}) },
        });
        onCreated();
      }}
    >
      <Field label="Username">
        {(id) => <input id={id} value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" />}
      </Field>
      <Field label="Password" hint="The console password; access keys for S3 are created separately.">
        {(id) => (
          <input
            id={id}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete="new-password"
          />
        )}
      </Field>
      <Field label="Email (optional)">
        {(id) => <input id={id} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field label="Role">
        {(id) => (
          <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="user">User</option>
            <option value="tenant-admin">Tenant admin</option>
            {global && <option value="admin">Administrator (global)</option>}
          </select>
        )}
      </Field>
      {global && (
        <Field label="Tenant" hint="Global administrators belong to no tenant.">
          {(id) => (
            <select id={id} value={tenant} onChange={(e) => setTenant(e.target.value)}>
              <option value="">No tenant (global)</option>
              {(tenants.data ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </FormModal>
  );
}

export default function UsersPage() {
  const { user } = useAuth();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useLoad(
    (signal) => api.get<'/api/v1/users', Paged<User>>('/api/v1/users', { signal, query: { page, page_size: 100 } }),
    [page],
  );
  return (
    <>
      <PageHeader title="Users" subtitle={list.data ? `${list.data.pagination.total} user(s)` : undefined}>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create user
        </button>
      </PageHeader>
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={['Username', 'Role', isGlobalAdmin(user) && 'Tenant', 'Status', '2FA', 'Last login']}
        empty="No users."
        row={(u) => (
          <tr key={u.id}>
            <td>
              <Link to={`/users/${encodeURIComponent(u.id)}`}>{u.username}</Link>
              {u.email && <div className="muted small">{u.email}</div>}
            </td>
            <td>{ROLE_LABEL[u.role]}</td>
            {isGlobalAdmin(user) && <td>{u.tenant_name ?? <span className="muted">—</span>}</td>}
            <td>
              <Badge tone={u.status === 'active' ? 'good' : 'bad'}>{u.status}</Badge> {u.locked && <Badge tone="bad">locked</Badge>}
            </td>
            <td>{u.two_factor_enabled ? <Badge tone="good">on</Badge> : <Badge>off</Badge>}</td>
            <td>{formatDate(u.last_login_at)}</td>
          </tr>
        )}
      />
      {creating && (
        <CreateUser
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
    </>
  );
}
