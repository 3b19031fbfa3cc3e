import { ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from pg; every size and timestamp here fits in a double. */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};

/** JSON stored as text, identically on SQLite and PostgreSQL. */
export const jsonText: ValueTransformer = {
  to: (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? null : JSON.parse(v)),
};
