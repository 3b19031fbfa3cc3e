import { useState } from 'react';
import { api } from '../api/client';
import type { Ok, Paged, Role, Tenant } from '../api/types';
import { useAuth } from '../auth/auth';
import { JsonEditor, jsonProblems } from '../components/JsonEditor';
import { DeleteNamed, EditorSlot, FormModal } from '../components/lists';
import { Badge, ErrorMessage, Field, Loading, Modal, PageHeader, Success, useAction, useLoad } from '../components/ui';
import { isGlobalAdmin } from '../lib/access';
import { formatDate } from '../lib/format';

interface Provider {
  id: string;
  name: string;
  type: 'oidc' | 'ldap' | 'oauth2';
  status: 'active' | 'inactive';
  tenant_id: string | null;
  config: Record<string, unknown>;
  created_at: string;
}
interface Mapping {
  id: string;
  external_group: string;
  role: Role;
  tenant_id: string | null;
  priority: number;
}
interface DirectoryUser {
  username: string;
  external_id?: string;
  dn?: string;
  email?: string | null;
  name?: string | null;
}

const TEMPLATE: Record<'oidc' | 'ldap', Record<string, unknown>> = {
  oidc: {
    issuer_url: 'https://login.example.com/realms/corp',
    client_id: 'object-store-console',
    client_secret: '',
    scopes: ['openid', 'profile', 'email', 'groups'],
    username_claim: 'preferred_username',
    groups_claim: 'groups',
    auto_create_users: true,
  },
  ldap: {
    url: 'ldap://ldap.example.com:389',
    bind_dn: 'cn=service,dc=example,dc=com',
    bind_password: '',
    user_base_dn: 'ou=people,dc=example,dc=com',
    group_base_dn: 'ou=groups,dc=example,dc=com',
  },
};

function ProviderForm({ provider, onClose, onSaved }: { provider?: Provider; onClose: () => void; onSaved: () => void }) {
  const { user } = useAuth();
  const [name, setName] = useState(provider?.name ?? '');
  const [type, setType] = useState<'oidc' | 'ldap'>((provider?.type as 'oidc' | 'ldap') ?? 'oidc');
  const [status, setStatus] = useState<'active' | 'inactive'>(provider?.status ?? 'active');
  const [text, setText] = useState(JSON.stringify(provider?.config ?? TEMPLATE.oidc, null, 2));
  return (
    <FormModal
      title={provider ? `Provider ${provider.name}` : 'Add identity provider'}
      submit="Save"
      disabled={!name || jsonProblems(text).length > 0}
      wide
      onClose={onClose}
      onSubmit={async () => {
        const config = JSON.parse(text) as Record<string, unknown>;
        if (provider) await api.put('/api/v1/identity-providers/{id}', { path: { id: provider.id }, body: { name, status, config } });
        else
          await api.post('/api/v1/identity-providers', {
            body: {
              name,
              type,
              status,
              config,
              ...(!isGlobalAdmin(user) && user?.tenant_id ? { tenant_id: user.tenant_id as never } : {}),
            },
          });
        onSaved();
      }}
    >
      <div className="filters">
        <Field label="Name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
        {!provider && (
          <Field label="Type">
            {(id) => (
              <select
                id={id}
                value={type}
                onChange={(e) => {
                  const t = e.target.value as 'oidc' | 'ldap';
                  setType(t);
                  setText(JSON.stringify(TEMPLATE[t], null, 2));
                }}
              >
                <option value="oidc">OpenID Connect</option>
                <option value="ldap">LDAP / Active Directory</option>
              </select>
            )}
          </Field>
        )}
        <Field label="Status">
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value as 'active' | 'inactive')}>
              <option value="active">active</option>
              <option value="inactive">inactive</option>
            </select>
          )}
        </Field>
      </div>
      <JsonEditor
        label="Settings (secrets are stored encrypted and never shown; leave them out to keep the stored one)"
        value={text}
        onChange={setText}
        rows={14}
      />
    </FormModal>
  );
}

function Mappings({ provider }: { provider: Provider }) {
  const { user } = useAuth();
  const global = isGlobalAdmin(user);
  const list = useLoad(
    (signal) =>
      api
        .get<'/api/v1/identity-providers/{id}/group-mappings', Paged<Mapping>>('/api/v1/identity-providers/{id}/group-mappings', {
          path: { id: provider.id },
          signal,
        })
        .then((r) => r.data),
    [provider.id],
  );
  const tenants = useLoad(
    (signal) =>
      global
        ? api.get<'/api/v1/tenants', Paged<Tenant>>('/api/v1/tenants', { signal, query: { page_size: 1000 } }).then((r) => r.data)
        : Promise.resolve([]),
    [global],
  );
  const [group, setGroup] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [tenant, setTenant] = useState('');
  const [priority, setPriority] = useState('0');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  const tenantName = (id: string | null) => (id ? (tenants.data?.find((t) => t.id === id)?.name ?? id) : 'global');
  return (
    <div>
      <h3>Group mappings</h3>
      <ErrorMessage error={list.error || error} />
      {done && <Success>{done}</Success>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>External group</th>
              <th>Role</th>
              <th>Tenant</th>
              <th className="num">Priority</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((m) => (
              <tr key={m.id}>
                <td>
                  <code>{m.external_group}</code>
                </td>
                <td>{m.role}</td>
                <td>{tenantName(m.tenant_id)}</td>
                <td className="num">{m.priority}</td>
                <td>
                  <div className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      onClick={() =>
                        run(async () => {
                          await api.post('/api/v1/identity-providers/{id}/group-mappings/{mapId}/sync', {
                            path: { id: provider.id, mapId: m.id },
                          });
                          setDone(`Mapping ${m.external_group} synced`);
                        })
                      }
                    >
                      Sync
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      onClick={() =>
                        run(
                          async () => (
                            await api.delete('/api/v1/identity-providers/{id}/group-mappings/{mapId}', {
                              path: { id: provider.id, mapId: m.id },
                            }),
                            list.reload()
                          ),
                        )
                      }
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.length === 0 && <div className="empty">No mappings: nobody from this provider can log in yet.</div>}
      </div>
      <form
        className="filters"
        style={{ marginTop: 10 }}
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            await api.post('/api/v1/identity-providers/{id}/group-mappings', {
              path: { id: provider.id },
              body: { external_group: group, role, priority: Number(priority), ...(tenant ? { tenant_id: tenant as never } : {}) },
            });
            setGroup('');
            list.reload();
          });
        }}
      >
        <Field label="External group">{(id) => <input id={id} value={group} onChange={(e) => setGroup(e.target.value)} required />}</Field>
        <Field label="Role">
          {(id) => (
            <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="user">user</option>
              <option value="tenant-admin">tenant-admin</option>
              {global && <option value="admin">admin</option>}
            </select>
          )}
        </Field>
        {global && (
          <Field label="Tenant">
            {(id) => (
              <select id={id} value={tenant} onChange={(e) => setTenant(e.target.value)}>
                <option value="">none (global)</option>
                {(tenants.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Priority">
          {(id) => <input id={id} type="number" value={priority} onChange={(e) => setPriority(e.target.value)} />}
        </Field>
        <button type="submit" className="btn" disabled={busy || !group}>
          Add mapping
        </button>
      </form>
    </div>
  );
}

function Directory({ provider }: { provider: Provider }) {
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'users' | 'groups'>('users');
  const [found, setFound] = useState<DirectoryUser[] | null>(null);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  return (
    <div>
      <h3>Directory</h3>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            const path =
              kind === 'users' ? '/api/v1/identity-providers/{id}/search-users' : '/api/v1/identity-providers/{id}/search-groups';
            const r = await api.post<typeof path, Ok<DirectoryUser[]>>(path, { path: { id: provider.id }, body: { query: q, limit: 50 } });
            setFound(r.data);
          });
        }}
      >
        <Field label="Search">{(id) => <input id={id} value={q} onChange={(e) => setQ(e.target.value)} />}</Field>
        <Field label="In">
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as 'users' | 'groups')}>
              <option value="users">users</option>
              <option value="groups">groups</option>
            </select>
          )}
        </Field>
        <button type="submit" className="btn" disabled={busy}>
          Search
        </button>
      </form>
      <ErrorMessage error={error} />
      {done && <Success>{done}</Success>}
      {found && (
        <ul>
          {found.length === 0 && <li className="muted">Nothing found.</li>}
          {found.map((u, i) => (
            <li key={i} className="actions">
              <span>
                {u.username ?? u.name} {u.email && <span className="muted small">{u.email}</span>}
              </span>
              {kind === 'users' && (
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() =>
                    run(async () => {
                      await api.post('/api/v1/identity-providers/{id}/import-user', {
                        path: { id: provider.id },
                        body: { username: u.username },
                      });
                      setDone(`${u.username} imported`);
                    })
                  }
                >
                  Import
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function IdentityProvidersPage() {
  const list = useLoad(
    (signal) => api.get<'/api/v1/identity-providers', Paged<Provider>>('/api/v1/identity-providers', { signal }).then((r) => r.data),
    [],
  );
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Provider | null>(null);
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<{ title: string; body: unknown } | null>(null);
  return (
    <>
      <PageHeader title="Identity providers" subtitle="OpenID Connect and LDAP logins; group mappings decide each user's role and tenant.">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          Add provider
        </button>
      </PageHeader>
      <ErrorMessage error={list.error || error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.length === 0 && <div className="panel empty">No identity providers.</div>}
      {(list.data ?? []).map((p) => (
        <section className="panel" key={p.id} aria-label={`Provider ${p.name}`}>
          <div className="actions" style={{ justifyContent: 'space-between' }}>
            <h2>
              {p.name} <Badge tone="info">{p.type.toUpperCase()}</Badge>{' '}
              <Badge tone={p.status === 'active' ? 'good' : 'neutral'}>{p.status}</Badge>
            </h2>
            <div className="actions">
              {(
                [
                  ['Test connection', 'Test', '/api/v1/identity-providers/{id}/test'],
                  ['Sync users', 'Sync', '/api/v1/identity-providers/{id}/sync'],
                ] as const
              ).map(([label, what, path]) => (
                <button
                  key={path}
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() =>
                    run(async () => setResult({ title: `${what} of ${p.name}`, body: (await api.post(path, { path: { id: p.id } })).data }))
                  }
                >
                  {label}
                </button>
              ))}
              <button type="button" className="btn btn-small" onClick={() => setEditing(p)}>
                Edit
              </button>
              <button
                type="button"
                className="btn btn-small"
                aria-expanded={open === p.id}
                onClick={() => setOpen(open === p.id ? null : p.id)}
              >
                {open === p.id ? 'Hide mappings' : 'Group mappings'}
              </button>
              <button type="button" className="btn btn-small" onClick={() => setDeleting(p)}>
                Delete
              </button>
            </div>
          </div>
          <p className="muted small">
            Created {formatDate(p.created_at)} · {String(p.config.issuer_url ?? p.config.url ?? '')}
          </p>
          {open === p.id && (
            <>
              <Mappings provider={p} />
              {p.type === 'ldap' && <Directory provider={p} />}
            </>
          )}
        </section>
      ))}
      {result && (
        <Modal title={result.title} onClose={() => setResult(null)} wide>
          <div className="modal-body">
            <pre>{JSON.stringify(result.body, null, 2)}</pre>
          </div>
        </Modal>
      )}
      <EditorSlot
        editing={editing}
        setEditing={setEditing}
        reload={list.reload}
        render={(p, done) => <ProviderForm provider={p} {...done} />}
      />
      {deleting && (
        <DeleteNamed
          kind="provider"
          name={deleting.name}
          message="The provider and its mappings are deleted; the users it linked are deactivated."
          onDelete={() => api.delete('/api/v1/identity-providers/{id}', { path: { id: deleting.id } })}
          onDone={list.reload}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
