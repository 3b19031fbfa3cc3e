import { DataSource } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';

/** A value as SQLite is given it: safe integers as 64-bit integers, booleans as 0/1, dates as UTC strings. */
export function sqliteValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(v);
  return v;
}

type Escape = (sql: string, parameters: Record<string, unknown>, nativeParameters: Record<string, unknown>) => [string, unknown[]];

/**
 * TypeORM's SQLite drivers write every numeric named parameter into the SQL text (`VALUES (?,
 * 1795264941439, ?)`), so each INSERT carrying a timestamp or a size is a statement never seen
 * before: prepared anew, and pushing the hot lookups out of the 100-entry statement cache. This
 * binds numbers as parameters instead (safe integers as 64-bit integers, exactly what the inlined
 * literal meant), so the SQL text of a query no longer depends on its values. Everything else is
 * TypeORM's own rule set: arrays expand, functions inline, booleans become 0/1, dates become UTC
 * strings.
 */
export function bindNumericParameters(dataSource: DataSource): void {
  const type = dataSource.options.type;
  if (type !== 'better-sqlite3' && type !== 'sqlite') return;
  const driver = dataSource.driver as unknown as { escapeQueryWithParameters: Escape; createParameter(key: string, index: number): string };
  const bind = sqliteValue;
  driver.escapeQueryWithParameters = (sql, parameters, nativeParameters) => {
    const values = Object.keys(nativeParameters).map((key) => bind(nativeParameters[key]));
    if (!parameters || !Object.keys(parameters).length) return [sql, values];
    const text = sql.replace(/:(\.\.\.)?([A-Za-z0-9_.]+)/g, (full, spread: string | undefined, key: string) => {
      if (!Object.prototype.hasOwnProperty.call(parameters, key)) return full;
      const value = parameters[key];
      if (spread) {
        return (value as unknown[])
          .map((v) => {
            values.push(bind(v));
            return driver.createParameter(key, values.length - 1);
          })
          .join(', ');
      }
      if (typeof value === 'function') return String((value as () => unknown)());
      values.push(bind(value));
      return driver.createParameter(key, values.length - 1);
    });
    return [text, values];
  };
}
