import type { ReactNode } from 'react';

/** One figure of a page's summary row: what it is, the figure, and a line of detail. */
export function Stat({ label, value, sub }: { label: ReactNode; value: ReactNode; sub?: ReactNode }) {
  return (
    <div className="stat">
      <div className="muted">{label}</div>
      <div className="value">{value}</div>
      {sub !== undefined && sub !== null && sub !== false && <div className="muted small">{sub}</div>}
    </div>
  );
}
