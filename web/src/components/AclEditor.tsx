import { useState } from 'react';
import { ErrorMessage, Field, useAction, useLoad } from './ui';

export interface Acl {
  owner?: { display_name: string };
  grants: { grantee: { display_name?: string; uri?: string; id?: string; type: string }; permission: string }[];
}

/** The grants of an ACL (a bucket's or an object's) and a canned ACL to replace them with. */
export function AclEditor({
  load,
  deps,
  apply,
  canned,
  applyLabel = 'Apply',
}: {
  load: (signal: AbortSignal) => Promise<Acl>;
  deps: unknown[];
  apply: (acl: string) => Promise<void>;
  /** The canned ACLs this resource takes. */
  canned: readonly string[];
  applyLabel?: string;
}) {
  const acl = useLoad(load, deps);
  const [choice, setChoice] = useState(canned[0]);
  const { busy, error, run } = useAction();
  return (
    <>
      <ErrorMessage error={acl.error || error} />
      {acl.data && (
        <ul>
          {acl.data.grants.map((g, i) => (
            <li key={i}>
              {g.grantee.display_name ?? g.grantee.uri ?? g.grantee.id}: <strong>{g.permission}</strong>
            </li>
          ))}
        </ul>
      )}
      <div className="inline-form">
        <Field label="Canned ACL">
          {(id) => (
            <select id={id} value={choice} onChange={(e) => setChoice(e.target.value)}>
              {canned.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await apply(choice);
              acl.reload();
            })
          }
        >
          {applyLabel}
        </button>
      </div>
    </>
  );
}
