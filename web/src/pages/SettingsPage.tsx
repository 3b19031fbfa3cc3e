import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Ok, Setting } from '../api/types';
import { LogTargets } from '../components/LogTargets';
import { Badge, Confirm, ErrorMessage, Field, Loading, PageHeader, Success, Tabs, useAction, useLoad } from '../components/ui';

type Category = 'security' | 'system' | 'audit' | 'metrics' | 'logging';
const CATEGORIES: { id: Category; label: string }[] = [
  { id: 'security', label: 'Security' },
  { id: 'system', label: 'System' },
  { id: 'audit', label: 'Audit' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'logging', label: 'Logging' },
];

/** A setting's text input value → the typed value the API wants. */
export function settingValue(s: Pick<Setting, 'type'>, text: string): unknown {
  if (s.type === 'integer' || s.type === 'number') return text.trim() === '' ? null : Number(text);
  if (s.type === 'boolean') return text === 'true';
  return text;
}

function SettingRow({ s, onSaved }: { s: Setting & { options?: string[] }; onSaved: () => void }) {
  const [text, setText] = useState(String(s.value ?? ''));
  useEffect(() => setText(String(s.value ?? '')), [s.value]);
  const { busy, error, run } = useAction();
  const changed = text !== String(s.value ?? '');
  return (
    <form
      className="panel"
      onSubmit={(e) => {
        e.preventDefault();
        run(async () => {
          await api.put('/api/v1/settings/{key}', { path: { key: s.key }, body: { value: settingValue(s, text) as never } });
          onSaved();
        });
      }}
    >
      <Field
        label={s.key}
        hint={
          <>
            {s.description}
            {s.unit ? ` (${s.unit})` : ''}
            {s.min !== undefined ? ` · ${s.min}–${s.max}` : ''} · default {String(s.default_value)}{' '}
            {s.is_default ? <Badge>default</Badge> : <Badge tone="info">changed</Badge>}
          </>
        }
      >
        {(id) =>
          s.type === 'boolean' ? (
            <select id={id} value={text} onChange={(e) => setText(e.target.value)} disabled={!s.editable}>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : s.options ? (
            <select id={id} value={text} onChange={(e) => setText(e.target.value)} disabled={!s.editable}>
              {s.options.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              type={s.type === 'integer' ? 'number' : 'text'}
              value={text}
              onChange={(e) => setText(e.target.value)}
              disabled={!s.editable}
            />
          )
        }
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-small btn-primary" disabled={busy || !changed}>
        Save
      </button>
    </form>
  );
}

export default function SettingsPage() {
  const [cat, setCat] = useState<Category>('security');
  const [saved, setSaved] = useState('');
  const [resetting, setResetting] = useState(false);
  const list = useLoad(
    (signal) => api.get<'/api/v1/settings', Ok<(Setting & { options?: string[] })[]>>('/api/v1/settings', { signal }).then((r) => r.data),
    [],
  );
  const rows = useMemo(() => (list.data ?? []).filter((s) => s.category === cat), [list.data, cat]);
  return (
    <>
      <PageHeader title="Settings" subtitle="Server settings stored in the database; each overrides its environment variable.">
        <button type="button" className="btn" onClick={() => setResetting(true)}>
          Reset {cat} to defaults
        </button>
      </PageHeader>
      <Tabs label="Setting categories" tabs={CATEGORIES} value={cat} onChange={(c) => (setCat(c), setSaved(''))} />
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {saved && <Success>{saved}</Success>}
      {list.loading && !list.data && <Loading />}
      <div className="grid-2">
        {rows.map((s) => (
          <SettingRow key={s.key} s={s} onSaved={() => (setSaved(`${s.key} saved`), list.reload())} />
        ))}
      </div>
      {cat === 'logging' && !list.loading && <LogTargets />}
      {resetting && (
        <Confirm
          title={`Reset the ${cat} settings`}
          message={`Every ${cat} setting goes back to its default.`}
          action="Reset"
          onConfirm={async () => {
            await api.post('/api/v1/settings/reset', { body: { category: cat } });
            setSaved(`${cat} settings reset`);
            list.reload();
          }}
          onClose={() => setResetting(false)}
        />
      )}
    </>
  );
}
