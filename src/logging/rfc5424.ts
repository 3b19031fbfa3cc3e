/**
 * Syslog messages in the RFC 5424 format, and their framing on TCP (RFC 6587 octet counting).
 * Pure functions: the senders are in log-targets.service.ts.
 */

/** RFC 5424 §6.2.1 severities. */
export const SYSLOG_SEVERITY = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  informational: 6,
  debug: 7,
} as const;
/** Facility local0, the usual choice for an application. */
export const FACILITY_LOCAL0 = 16;

/** Our log levels as syslog severities. */
export const LEVEL_SEVERITY: Record<string, number> = {
  error: SYSLOG_SEVERITY.error,
  warn: SYSLOG_SEVERITY.warning,
  log: SYSLOG_SEVERITY.informational,
  debug: SYSLOG_SEVERITY.debug,
  verbose: SYSLOG_SEVERITY.debug,
};

export interface SyslogMessage {
  time: Date;
  severity: number;
  facility?: number;
  hostname?: string;
  appName?: string;
  procId?: string | number;
  msgId?: string;
  /** STRUCTURED-DATA: SD-ID → parameters (SD-IDs without @ must be IANA's, e.g. `origin`, `meta`). */
  structuredData?: Record<string, Record<string, string>>;
  message: string;
}

const NILVALUE = '-';

/** A header field: printable US-ASCII without spaces, cut to its maximum length, or "-". */
function field(v: string | number | undefined, max: number): string {
  if (v === undefined || v === '') return NILVALUE;
  const s = String(v)
    .replace(/[^\x21-\x7e]/g, '_')
    .slice(0, max);
  return s === '' ? NILVALUE : s;
}

/** SD-NAME: printable ASCII except = ] " and space, at most 32. */
function sdName(v: string): string {
  return v.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32) || '_';
}

/** PARAM-VALUE escaping (§6.3.3): ", \ and ] are escaped with a backslash. */
function sdValue(v: string): string {
  return v.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (no trailing newline). */
export function formatRfc5424(m: SyslogMessage): string {
  const pri = (m.facility ?? FACILITY_LOCAL0) * 8 + m.severity;
  const sd =
    m.structuredData && Object.keys(m.structuredData).length > 0
      ? Object.entries(m.structuredData)
          .map(
            ([id, params]) =>
              `[${sdName(id)}${Object.entries(params)
                .map(([k, v]) => ` ${sdName(k)}="${sdValue(v)}"`)
                .join('')}]`,
          )
          .join('')
      : NILVALUE;
  const header = [
    `<${pri}>1`,
    m.time.toISOString(),
    field(m.hostname, 255),
    field(m.appName, 48),
    field(m.procId, 128),
    field(m.msgId, 32),
    sd,
  ].join(' ');
  return m.message === '' ? header : `${header} ${m.message}`;
}

/** TCP framing by octet counting (RFC 6587 §3.4.1): `<byte length> <message>`. */
export function frameOctetCounting(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
