import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, fillPath, rawRequest } from '../api/client';
import type { Bucket, Ok, Paged, User } from '../api/types';
import { useAuth } from '../auth/auth';
import { CORS_CONFIG, INVENTORY_CONFIG, NOTIFICATIONS_CONFIG, type StructuredConfig } from '../components/ConfigEditors';
import { JsonEditor, jsonProblems } from '../components/JsonEditor';
import { TagEditor, type Tag } from '../components/TagEditor';
import { AclEditor, type Acl } from '../components/AclEditor';
import { parseJson } from '../lib/policy';
import {
  Badge,
  Confirm,
  ErrorMessage,
  Field,
  Loading,
  NotImplementedNotice,
  PageHeader,
  Success,
  Tabs,
  useAction,
  useLoad,
} from '../components/ui';
import { canSee } from '../lib/access';
import { addRule, buildRule, ruleProblems, type RuleForm } from '../lib/lifecycle';

type Tab =
  | 'general'
  | 'lock'
  | 'encryption'
  | 'lifecycle'
  | 'cors'
  | 'policy'
  | 'acl'
  | 'tags'
  | 'notifications'
  | 'inventory'
  | 'maintenance'
  | 'replication';

const TEMPLATES: Record<string, (bucket: string) => unknown> = {
  policy: (b) => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${b}/*`] }],
  }),
  cors: () => ({
    CORSRules: [{ AllowedOrigins: ['https://example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], MaxAgeSeconds: 3000 }],
  }),
  lifecycle: () => ({ Rules: [] }),
  notifications: () => ({
    rules: [{ id: 'webhook-1', target: { type: 'webhook', url: 'https://example.com/hook' }, events: ['s3:ObjectCreated:*'] }],
  }),
  inventory: (b) => ({
    id: 'daily',
    enabled: true,
    destination_bucket: b,
    prefix: '',
    schedule: 'Daily',
    format: 'CSV',
    included_versions: 'Current',
    fields: ['Size', 'ETag', 'LastModifiedDate'],
  }),
};

/** GET/PUT/DELETE of one JSON configuration sub-route; 404 = none set. */
function JsonConfig({
  bucket,
  route,
  label,
  policy,
  help,
  extra,
  structured,
}: {
  bucket: string;
  route: 'policy' | 'cors' | 'lifecycle' | 'notifications' | 'inventory';
  label: string;
  policy?: boolean;
  help: string;
  extra?: (current: unknown, setText: (t: string) => void) => React.ReactNode;
  /** A form for the configuration; the raw JSON stays one click away. */
  structured?: StructuredConfig<any>;
}) {
  const url = `${fillPath('/api/v1/buckets/{name}', { name: bucket })}/${route}`;
  const [text, setText] = useState('');
  const [exists, setExists] = useState(false);
  const [saved, setSaved] = useState('');
  const [mode, setMode] = useState<'form' | 'json'>(structured ? 'form' : 'json');
  const [form, setForm] = useState<unknown>(null);
  const [modeError, setModeError] = useState('');
  const load = useLoad(
    async (signal) => {
      try {
        const r = await rawRequest<Ok<unknown> & { policy?: unknown }>('GET', url, undefined, signal);
        return r.data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    [url],
  );
  useEffect(() => {
    if (load.data === undefined) return;
    const empty = load.data === null || (route === 'notifications' && (load.data as { rules?: unknown[] }).rules?.length === 0);
    setExists(!empty);
    const value = empty
      ? TEMPLATES[route](bucket)
      : route === 'notifications'
        ? { rules: (load.data as { rules: unknown[] }).rules }
        : load.data;
    setText(JSON.stringify(value, null, 2));
    if (structured) setForm(structured.toForm(value));
  }, [load.data, route, bucket, structured]);
  const { busy, error, run } = useAction();
  const [removing, setRemoving] = useState(false);
  if (load.loading && load.data === undefined) return <Loading />;
  const problems = jsonProblems(text, policy ? 'bucket' : undefined);
  const formProblems = structured && mode === 'form' && form !== null ? structured.problems(form) : {};
  const formProblemCount = Object.keys(formProblems).length;
  const onForm = (f: unknown) => {
    setForm(f);
    setText(JSON.stringify(structured!.fromForm(f), null, 2));
    setSaved('');
  };
  const switchTo = (m: 'form' | 'json') => {
    setModeError('');
    if (m === 'form' && structured) {
      const parsed = parseJson(text);
      if (!('value' in parsed)) {
        setModeError('Fix the JSON before going back to the form.');
        return;
      }
      setForm(structured.toForm(parsed.value));
    }
    setMode(m);
  };
  return (
    <section aria-label={label}>
      <p className="muted">{help}</p>
      <p>{exists ? <Badge tone="good">configured</Badge> : <Badge>not set — the editor holds an example</Badge>}</p>
      <ErrorMessage error={load.error} />
      {extra?.(load.data, setText)}
      {structured && (
        <div className="actions segmented" role="group" aria-label={`${label} editor`}>
          <button type="button" className="btn btn-small" aria-pressed={mode === 'form'} onClick={() => switchTo('form')}>
            Form
          </button>
          <button type="button" className="btn btn-small" aria-pressed={mode === 'json'} onClick={() => switchTo('json')}>
            JSON
          </button>
          {modeError && (
            <span className="field-error" role="alert">
              {modeError}
            </span>
          )}
        </div>
      )}
      {structured && mode === 'form' && form !== null ? (
        <structured.Editor value={form} onChange={onForm} problems={formProblems} />
      ) : (
        <JsonEditor
          label={label}
          value={text}
          onChange={(t) => (setText(t), setSaved(''))}
          policy={policy ? 'bucket' : undefined}
          rows={18}
        />
      )}
      {formProblemCount > 0 && <p className="field-error">Fix the {formProblemCount} problem(s) above to save.</p>}
      <ErrorMessage error={error} />
      {saved && <Success>{saved}</Success>}
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || problems.length > 0 || formProblemCount > 0}
          onClick={() =>
            run(async () => {
              await rawRequest('PUT', url, JSON.parse(text));
              setSaved(`${label} saved.`);
              setExists(true);
            })
          }
        >
          Save
        </button>
        {exists && (
          <button type="button" className="btn" onClick={() => setRemoving(true)}>
            Remove
          </button>
        )}
      </div>
      {removing && (
        <Confirm
          title={`Remove the ${label.toLowerCase()}`}
          message={`The bucket's ${label.toLowerCase()} is deleted.`}
          action="Remove"
          onConfirm={async () => {
            await rawRequest('DELETE', url);
            setSaved(`${label} removed.`);
            load.reload();
          }}
          onClose={() => setRemoving(false)}
        />
      )}
    </section>
  );
}

function LifecycleBuilder({ current, setText }: { current: unknown; setText: (t: string) => void }) {
  const [f, setF] = useState<RuleForm>({ id: '', prefix: '', expirationDays: '', noncurrentDays: '', abortDays: '7', enabled: true });
  const problems = ruleProblems(f);
  const set = (k: keyof RuleForm) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <fieldset className="panel">
      <legend>Add a rule</legend>
      <div className="filters">
        <Field label="Rule ID">{(id) => <input id={id} value={f.id} onChange={set('id')} />}</Field>
        <Field label="Key prefix">{(id) => <input id={id} value={f.prefix} onChange={set('prefix')} placeholder="logs/" />}</Field>
        <Field label="Expire objects after (days)">
          {(id) => <input id={id} type="number" min={1} value={f.expirationDays} onChange={set('expirationDays')} />}
        </Field>
        <Field label="Expire noncurrent versions after (days)">
          {(id) => <input id={id} type="number" min={1} value={f.noncurrentDays} onChange={set('noncurrentDays')} />}
        </Field>
        <Field label="Abort incomplete uploads after (days)">
          {(id) => <input id={id} type="number" min={1} value={f.abortDays} onChange={set('abortDays')} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.target.checked })} /> Enabled
        </label>
        <button
          type="button"
          className="btn"
          disabled={problems.length > 0}
          onClick={() => setText(JSON.stringify(addRule(current as { Rules?: Record<string, unknown>[] } | null, buildRule(f)), null, 2))}
        >
          Add to the rules below
        </button>
      </div>
      {problems.length > 0 && <div className="field-error">{problems.join('; ')}</div>}
      <p className="muted small">Then review the rules and Save.</p>
    </fieldset>
  );
}

function General({ bucket, info, reload }: { bucket: string; info: Bucket; reload: () => void }) {
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  return (
    <section>
      <h2>Versioning</h2>
      <p>
        Versioning is <strong>{info.versioning ?? 'off (never enabled)'}</strong>.{' '}
        {info.object_lock_enabled && 'Object lock keeps it enabled.'}
      </p>
      <div className="actions">
        <button
          type="button"
          className="btn"
          disabled={busy || info.versioning === 'Enabled'}
          onClick={() =>
            run(
              async () => (
                await api.put('/api/v1/buckets/{name}/versioning', { path: { name: bucket }, body: { status: 'Enabled' } }),
                setDone('Versioning enabled'),
                reload()
              ),
            )
          }
        >
          Enable versioning
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || info.versioning !== 'Enabled' || info.object_lock_enabled}
          onClick={() =>
            run(
              async () => (
                await api.put('/api/v1/buckets/{name}/versioning', { path: { name: bucket }, body: { status: 'Suspended' } }),
                setDone('Versioning suspended'),
                reload()
              ),
            )
          }
        >
          Suspend versioning
        </button>
      </div>
      <ErrorMessage error={error} />
      {done && <Success>{done}</Success>}
    </section>
  );
}

function ObjectLock({ bucket, reload }: { bucket: string; reload: () => void }) {
  const lock = useLoad(
    (signal) =>
      api
        .get<
          '/api/v1/buckets/{name}/object-lock',
          Ok<{ enabled: boolean; mode: string | null; days: number | null; years: number | null }>
        >('/api/v1/buckets/{name}/object-lock', {
          path: { name: bucket },
          signal,
        })
        .then((r) => r.data),
    [bucket],
  );
  const [mode, setMode] = useState<'' | 'GOVERNANCE' | 'COMPLIANCE'>('');
  const [days, setDays] = useState('');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  useEffect(() => {
    if (lock.data) {
      setMode((lock.data.mode as 'GOVERNANCE' | 'COMPLIANCE' | null) ?? '');
      setDays(lock.data.days?.toString() ?? '');
    }
  }, [lock.data]);
  if (!lock.data) return lock.error ? <ErrorMessage error={lock.error} /> : <Loading />;
  return (
    <section>
      <p>
        Object lock is <strong>{lock.data.enabled ? 'enabled' : 'off'}</strong>.{' '}
        {!lock.data.enabled && 'Enabling it turns on versioning for good and cannot be undone.'}
      </p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            await api.put('/api/v1/buckets/{name}/object-lock', {
              path: { name: bucket },
              body: { enabled: true, ...(mode ? { mode, days: Number(days) } : {}) },
            });
            setDone('Object lock saved');
            lock.reload();
            reload();
          });
        }}
      >
        <Field label="Default retention mode">
          {(id) => (
            <select id={id} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
              <option value="">none</option>
              <option value="GOVERNANCE">GOVERNANCE (admins may bypass)</option>
              <option value="COMPLIANCE">COMPLIANCE (nobody may shorten it)</option>
            </select>
          )}
        </Field>
        <Field label="Default retention (days)">
          {(id) => <input id={id} type="number" min={1} disabled={!mode} value={days} onChange={(e) => setDays(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || (!!mode && !days)}>
          {lock.data.enabled ? 'Save default retention' : 'Enable object lock'}
        </button>
      </form>
      <ErrorMessage error={error} />
      {done && <Success>{done}</Success>}
    </section>
  );
}

interface BucketEncryption {
  sse_algorithm: 'AES256' | 'aws:kms';
  kms_master_key_id: string | null;
  bucket_key_enabled: boolean;
}

type SseChoice = 'none' | 'AES256' | 'aws:kms';

/** Default encryption of new objects: none, SSE-S3 or SSE-KMS (a key from the KMS list for global admins, else typed). */
function Encryption({ bucket, canListKeys }: { bucket: string; canListKeys: boolean }) {
  const current = useLoad(
    async (signal) => {
      try {
        const r = await api.get<'/api/v1/buckets/{name}/encryption', Ok<BucketEncryption>>('/api/v1/buckets/{name}/encryption', {
          path: { name: bucket },
          signal,
        });
        return r.data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    [bucket],
  );
  const keys = useLoad(
    (signal) =>
      canListKeys
        ? api
            .get<'/api/v1/kms/keys', Paged<{ key_id: string; arn: string; alias: string | null; enabled: boolean }>>('/api/v1/kms/keys', {
              signal,
              query: { page_size: 100 },
            })
            .then((r) => r.data)
        : Promise.resolve([]),
    [canListKeys],
  );
  const [choice, setChoice] = useState<SseChoice>('none');
  const [keyId, setKeyId] = useState('');
  const [bucketKey, setBucketKey] = useState(false);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  useEffect(() => {
    if (current.data === undefined) return;
    setChoice(current.data?.sse_algorithm ?? 'none');
    setKeyId(current.data?.kms_master_key_id ?? '');
    setBucketKey(current.data?.bucket_key_enabled ?? false);
  }, [current.data]);
  if (current.data === undefined) return current.error ? <ErrorMessage error={current.error} /> : <Loading />;
  const save = () =>
    run(async () => {
      if (choice === 'none') {
        if (current.data) await api.delete('/api/v1/buckets/{name}/encryption', { path: { name: bucket } });
        setDone('Default encryption removed');
      } else {
        await api.put('/api/v1/buckets/{name}/encryption', {
          path: { name: bucket },
          body: {
            sse_algorithm: choice,
            bucket_key_enabled: bucketKey,
            ...(choice === 'aws:kms' && keyId.trim() ? { kms_master_key_id: keyId.trim() } : {}),
          },
        });
        setDone('Default encryption saved');
      }
      current.reload();
    });
  const label = (k: { key_id: string; alias: string | null; enabled: boolean }) =>
    `${k.alias ?? k.key_id}${k.enabled ? '' : ' (disabled)'}`;
  return (
    <section>
      <p>
        New objects that ask for no encryption are stored{' '}
        <strong>
          {current.data === null
            ? 'unencrypted'
            : current.data.sse_algorithm === 'AES256'
              ? 'with SSE-S3'
              : `with SSE-KMS (${current.data.kms_master_key_id ?? 'the default key'})`}
        </strong>
        . Existing objects keep their encryption.
      </p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <Field label="Default encryption">
          {(id) => (
            <select id={id} value={choice} onChange={(e) => setChoice(e.target.value as SseChoice)}>
              <option value="none">None</option>
              <option value="AES256">SSE-S3 (AES256)</option>
              <option value="aws:kms">SSE-KMS (aws:kms)</option>
            </select>
          )}
        </Field>
        {choice === 'aws:kms' && (
          <Field label="KMS key">
            {(id) =>
              canListKeys && !keys.error ? (
                <select id={id} value={keyId} onChange={(e) => setKeyId(e.target.value)}>
                  <option value="">The default key</option>
                  {keyId && !(keys.data ?? []).some((k) => k.arn === keyId || k.key_id === keyId || k.alias === keyId) && (
                    <option value={keyId}>{keyId}</option>
                  )}
                  {(keys.data ?? []).map((k) => (
                    <option key={k.key_id} value={k.alias ?? k.key_id}>
                      {label(k)}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  value={keyId}
                  onChange={(e) => setKeyId(e.target.value)}
                  placeholder="key id, ARN or alias/name (empty: default key)"
                />
              )
            }
          </Field>
        )}
        {choice !== 'none' && (
          <label className="check">
            <input type="checkbox" checked={bucketKey} onChange={(e) => setBucketKey(e.target.checked)} /> Bucket key
          </label>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || (choice === 'none' && current.data === null)}>
          Save
        </button>
      </form>
      <ErrorMessage error={error} />
      {done && <Success>{done}</Success>}
    </section>
  );
}

const CANNED = ['private', 'public-read', 'public-read-write', 'authenticated-read'] as const;

function Access({ bucket }: { bucket: string }) {
  const perms = useLoad(
    (signal) =>
      api
        .get<'/api/v1/buckets/{name}/permissions', Paged<{ user_id: string; username: string; permission: string }>>(
          '/api/v1/buckets/{name}/permissions',
          {
            path: { name: bucket },
            signal,
          },
        )
        .then((r) => r.data),
    [bucket],
  );
  const [username, setUsername] = useState('');
  const [permission, setPermission] = useState<'read' | 'write' | 'full_control'>('read');
  const p = useAction();
  return (
    <section>
      <h2>ACL</h2>
      <AclEditor
        load={(signal) =>
          api
            .get<'/api/v1/buckets/{name}/acl', Ok<Acl>>('/api/v1/buckets/{name}/acl', { path: { name: bucket }, signal })
            .then((r) => r.data)
        }
        deps={[bucket]}
        apply={async (acl) =>
          void (await api.put('/api/v1/buckets/{name}/acl', { path: { name: bucket }, body: { acl: acl as (typeof CANNED)[number] } }))
        }
        canned={CANNED}
        applyLabel="Apply ACL"
      />
      <h2 style={{ marginTop: 20 }}>User permissions</h2>
      <p className="muted small">ACL grants to users of the bucket's tenant.</p>
      <ErrorMessage error={perms.error || p.error} />
      <ul>
        {(perms.data ?? []).map((x) => (
          <li key={x.user_id} className="actions">
            {x.username}: <strong>{x.permission}</strong>
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                p.run(
                  async () => (
                    await api.delete('/api/v1/buckets/{name}/permissions/{id}', { path: { name: bucket, id: x.user_id } }),
                    perms.reload()
                  ),
                )
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          p.run(
            async () => (
              await api.post('/api/v1/buckets/{name}/permissions', { path: { name: bucket }, body: { username, permission } }),
              setUsername(''),
              perms.reload()
            ),
          );
        }}
      >
        <Field label="Username">{(id) => <input id={id} value={username} onChange={(e) => setUsername(e.target.value)} />}</Field>
        <Field label="Permission">
          {(id) => (
            <select id={id} value={permission} onChange={(e) => setPermission(e.target.value as typeof permission)}>
              <option value="read">read</option>
              <option value="write">write</option>
              <option value="full_control">full_control</option>
            </select>
          )}
        </Field>
        <button type="submit" className="btn" disabled={!username || p.busy}>
          Grant
        </button>
      </form>
    </section>
  );
}

function Tags({ bucket }: { bucket: string }) {
  const url = `${fillPath('/api/v1/buckets/{name}', { name: bucket })}/tagging`;
  return (
    <TagEditor
      load={async (signal) => {
        try {
          return (await rawRequest<Ok<{ TagSet: Tag[] }>>('GET', url, undefined, signal)).data.TagSet;
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) return [];
          throw e;
        }
      }}
      deps={[url]}
      save={async (TagSet) => void (await api.put('/api/v1/buckets/{name}/tagging', { path: { name: bucket }, body: { TagSet } }))}
      max={50}
      label="Bucket tags"
    />
  );
}

function Maintenance({ bucket, reload }: { bucket: string; reload: () => void }) {
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<unknown>(null);
  return (
    <section>
      <p className="muted">Checks and repairs for administrators. Quotas are per tenant (Tenants page); the dashboard shows their use.</p>
      <div className="actions">
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() =>
            run(async () => setResult((await api.post('/api/v1/buckets/{name}/verify-integrity', { path: { name: bucket } })).data))
          }
        >
          Verify integrity
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() =>
            run(
              async () => (
                setResult((await api.post('/api/v1/buckets/{name}/recalculate-stats', { path: { name: bucket } })).data),
                reload()
              ),
            )
          }
        >
          Recalculate statistics
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() =>
            run(async () => setResult((await api.post('/api/v1/buckets/{name}/inventory/run', { path: { name: bucket } })).data))
          }
        >
          Write an inventory report now
        </button>
      </div>
      {busy && <Loading label="Working…" />}
      <ErrorMessage error={error} />
      {result !== null && <pre>{JSON.stringify(result, null, 2)}</pre>}
    </section>
  );
}

/** Delivery of the notification rules: each target's health, pending and dead-lettered events, with a retry. */
function DeliveryStatus({ bucket }: { bucket: string }) {
  const status = useLoad(
    (signal) =>
      api
        .get<'/api/v1/buckets/{name}/notifications/status', Ok<{ rules: Record<string, unknown>[]; pending: number; dead: number }>>(
          '/api/v1/buckets/{name}/notifications/status',
          {
            path: { name: bucket },
            signal,
          },
        )
        .then((r) => r.data),
    [bucket],
  );
  const dead = useLoad(
    (signal) =>
      api
        .get<'/api/v1/buckets/{name}/notifications/dead-letters', Ok<{ events: Record<string, unknown>[] }>>(
          '/api/v1/buckets/{name}/notifications/dead-letters',
          {
            path: { name: bucket },
            signal,
          },
        )
        .then((r) => r.data.events),
    [bucket],
  );
  const { busy, error, run } = useAction();
  return (
    <fieldset className="panel">
      <legend>Delivery</legend>
      <ErrorMessage error={status.error || dead.error || error} />
      {status.data && (
        <>
          <p>
            {status.data.pending} event(s) pending, {status.data.dead} dead-lettered.{' '}
            <button type="button" className="btn btn-small" onClick={() => (status.reload(), dead.reload())}>
              Refresh
            </button>{' '}
            {status.data.dead > 0 && (
              <button
                type="button"
                className="btn btn-small"
                disabled={busy}
                onClick={() =>
                  run(async () => {
                    await api.post('/api/v1/buckets/{name}/notifications/dead-letters/retry', { path: { name: bucket } });
                    status.reload();
                    dead.reload();
                  })
                }
              >
                Retry dead letters
              </button>
            )}
          </p>
          {status.data.rules.length > 0 && <pre>{JSON.stringify(status.data.rules, null, 2)}</pre>}
        </>
      )}
      {dead.data && dead.data.length > 0 && (
        <details>
          <summary>{dead.data.length} dead-lettered event(s)</summary>
          <pre>{JSON.stringify(dead.data, null, 2)}</pre>
        </details>
      )}
    </fieldset>
  );
}

function Replication({ bucket }: { bucket: string }) {
  const r = useLoad(
    (signal) => rawRequest('GET', `${fillPath('/api/v1/buckets/{name}', { name: bucket })}/replication`, undefined, signal),
    [bucket],
  );
  if (r.loading) return <Loading />;
  if (r.error instanceof ApiError && r.error.status === 501) return <NotImplementedNotice error={r.error} />;
  return <ErrorMessage error={r.error} />;
}

export default function BucketSettingsPage() {
  const { bucket = '' } = useParams();
  const { user } = useAuth();
  const [tab, setTab] = useState<Tab>('general');
  const info = useLoad(
    (signal) =>
      api.get<'/api/v1/buckets/{name}', Ok<Bucket>>('/api/v1/buckets/{name}', { path: { name: bucket }, signal }).then((r) => r.data),
    [bucket],
  );
  const admin = canSee(user as User, 'admins');
  const tabs: { id: Tab; label: string }[] = [
    { id: 'general', label: 'Versioning' },
    { id: 'lock', label: 'Object lock' },
    { id: 'encryption', label: 'Encryption' },
    { id: 'lifecycle', label: 'Lifecycle' },
    { id: 'cors', label: 'CORS' },
    { id: 'policy', label: 'Policy' },
    { id: 'acl', label: 'Access' },
    { id: 'tags', label: 'Tags' },
    { id: 'notifications', label: 'Notifications' },
    { id: 'inventory', label: 'Inventory' },
    ...(admin ? [{ id: 'maintenance' as Tab, label: 'Maintenance' }] : []),
    { id: 'replication', label: 'Replication' },
  ];
  return (
    <>
      <PageHeader title={`${bucket} settings`}>
        <Link className="btn" to={`/buckets/${encodeURIComponent(bucket)}`}>
          Browse objects
        </Link>
      </PageHeader>
      <ErrorMessage error={info.error} onRetry={info.reload} />
      {info.loading && !info.data && <Loading />}
      {info.data && (
        <div className="panel">
          <Tabs label="Bucket settings" tabs={tabs} value={tab} onChange={setTab} />
          {tab === 'general' && <General bucket={bucket} info={info.data} reload={info.reload} />}
          {tab === 'lock' && <ObjectLock bucket={bucket} reload={info.reload} />}
          {tab === 'encryption' && <Encryption bucket={bucket} canListKeys={canSee(user as User, 'global')} />}
          {tab === 'lifecycle' && (
            <JsonConfig
              bucket={bucket}
              route="lifecycle"
              label="Lifecycle rules"
              help="Rules that expire objects, noncurrent versions and incomplete uploads (S3 field names)."
              extra={(current, setText) => <LifecycleBuilder current={current} setText={setText} />}
            />
          )}
          {tab === 'cors' && (
            <JsonConfig
              bucket={bucket}
              route="cors"
              label="CORS rules"
              structured={CORS_CONFIG}
              help="Which web origins may call the S3 API on this bucket from a browser."
            />
          )}
          {tab === 'policy' && (
            <JsonConfig
              bucket={bucket}
              route="policy"
              label="Bucket policy"
              policy
              help='Grants to other users, tenants or everyone (Principal "*"), as an S3 bucket policy.'
            />
          )}
          {tab === 'acl' && <Access bucket={bucket} />}
          {tab === 'tags' && <Tags bucket={bucket} />}
          {tab === 'notifications' && (
            <JsonConfig
              bucket={bucket}
              route="notifications"
              label="Event notifications"
              structured={NOTIFICATIONS_CONFIG}
              help="Targets: webhook, redis, rabbitmq, mqtt, nats (or S3 ARNs), per event type."
              extra={() => <DeliveryStatus bucket={bucket} />}
            />
          )}
          {tab === 'inventory' && (
            <JsonConfig
              bucket={bucket}
              route="inventory"
              label="Inventory configuration"
              structured={INVENTORY_CONFIG}
              help="A CSV listing of the bucket's objects written to a destination bucket."
            />
          )}
          {tab === 'maintenance' && <Maintenance bucket={bucket} reload={info.reload} />}
          {tab === 'replication' && <Replication bucket={bucket} />}
        </div>
      )}
    </>
  );
}
