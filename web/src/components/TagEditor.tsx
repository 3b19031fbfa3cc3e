import { useEffect, useState } from 'react';
import { ErrorMessage, Field, Loading, Success, useAction, useLoad } from './ui';

export interface Tag {
  Key: string;
  Value: string;
}

/**
 * The key/value rows of a tag set (a bucket's or an object's): add, edit, remove, save. `load`
 * and `save` talk to the API; the set is loaded again after a save.
 */
export function TagEditor({
  load,
  deps,
  save,
  max,
  label = 'Tags',
  note,
}: {
  load: (signal: AbortSignal) => Promise<Tag[]>;
  deps: unknown[];
  save: (tags: Tag[]) => Promise<void>;
  /** The most tags the API takes (S3: 10 per object, 50 per bucket). */
  max: number;
  label?: string;
  note?: string;
}) {
  const current = useLoad(load, deps);
  const [tags, setTags] = useState<Tag[]>([]);
  useEffect(() => setTags(current.data ?? []), [current.data]);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  const edit = (i: number, patch: Partial<Tag>) => setTags(tags.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  if (current.loading && !current.data) return <Loading />;
  return (
    <section aria-label={label}>
      <ErrorMessage error={current.error || error} />
      {done && <Success>{done}</Success>}
      {tags.length === 0 && <p className="muted">No tags.</p>}
      {tags.map((t, i) => (
        <div className="inline-form" key={i} style={{ marginBottom: 6 }}>
          <Field label={`Tag ${i + 1} key`}>
            {(id) => <input id={id} value={t.Key} onChange={(e) => edit(i, { Key: e.target.value })} />}
          </Field>
          <Field label={`Tag ${i + 1} value`}>
            {(id) => <input id={id} value={t.Value} onChange={(e) => edit(i, { Value: e.target.value })} />}
          </Field>
          <button type="button" className="btn btn-small" onClick={() => setTags(tags.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <div className="actions">
        <button type="button" className="btn" disabled={tags.length >= max} onClick={() => setTags([...tags, { Key: '', Value: '' }])}>
          Add tag
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || tags.some((t) => !t.Key)}
          onClick={() =>
            run(async () => {
              await save(tags);
              setDone('Tags saved');
              current.reload();
            })
          }
        >
          Save tags
        </button>
      </div>
      {note && <p className="muted small">{note}</p>}
    </section>
  );
}
