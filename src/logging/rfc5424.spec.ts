import { formatRfc5424, frameOctetCounting, SYSLOG_SEVERITY } from './rfc5424';

describe('formatRfc5424', () => {
  const time = new Date('2026-01-02T03:04:05.678Z');

  it('writes the header fields in order, with PRI = facility * 8 + severity', () => {
    const line = formatRfc5424({
      time,
      severity: SYSLOG_SEVERITY.informational,
      hostname: 'node-1',
      appName: 'object-store',
      procId: 42,
      msgId: 'TEST',
      message: 'hello',
    });
    expect(line).toBe('<134>1 2026-01-02T03:04:05.678Z node-1 object-store 42 TEST - hello');
  });

  it('uses the nil value for missing fields and escapes structured data', () => {
    const line = formatRfc5424({
      time,
      severity: SYSLOG_SEVERITY.error,
      facility: 1,
      structuredData: { 'test@32473': { user: 'a"b\\c]d', 'bad name': 'x' } },
      message: '',
    });
    expect(line).toBe('<11>1 2026-01-02T03:04:05.678Z - - - - [test@32473 user="a\\"b\\\\c\\]d" bad_name="x"]');
  });

  it('keeps header fields printable and within their lengths', () => {
    const line = formatRfc5424({ time, severity: 6, hostname: 'a b', appName: 'x'.repeat(60), message: 'm' });
    expect(line).toBe(`<134>1 2026-01-02T03:04:05.678Z a_b ${'x'.repeat(48)} - - - m`);
  });
});

describe('frameOctetCounting', () => {
  it('prefixes the byte length (not the character count)', () => {
    expect(frameOctetCounting('héllo').toString('utf8')).toBe('6 héllo');
  });
});
