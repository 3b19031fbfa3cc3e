import { useId, useMemo } from 'react';
import { parseJson, policyProblems } from '../lib/policy';

/** A JSON text area that shows syntax errors (with line and column) and policy problems as you type. */
export function JsonEditor({
  label,
  value,
  onChange,
  policy,
  rows = 16,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** Check it as a policy document too. */
  policy?: 'bucket' | 'identity';
  rows?: number;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const problems = useMemo(() => jsonProblems(value, policy), [value, policy]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="code"
        rows={rows}
        spellCheck={false}
        value={value}
        aria-invalid={problems.length > 0}
        aria-describedby={problems.length ? errId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {problems.length > 0 && (
        <div id={errId} className="json-error" role="alert" data-testid="json-error">
          {problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      )}
    </div>
  );
}

export function jsonProblems(value: string, policy?: 'bucket' | 'identity'): string[] {
  if (!value.trim()) return [];
  const r = parseJson(value);
  if ('problem' in r) return [`Line ${r.problem.line}, column ${r.problem.column}: ${r.problem.message}`];
  return policy ? policyProblems(r.value, policy) : [];
}
