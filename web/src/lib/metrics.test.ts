import { describe, expect, it } from 'vitest';
import { formatUptime, historySince, ms, pct, pct100 } from './metrics';

describe('metrics formats', () => {
  it('formats rates, percentages and latencies as the pages show them', () => {
    expect(pct(0.0123)).toBe('1.2%');
    expect(pct100(47.97)).toBe('48.0%');
    expect(ms(3.21)).toBe('3.2 ms');
    expect(ms(123.4)).toBe('123 ms');
  });
  it('formats an uptime with its two largest units', () => {
    expect(formatUptime(42)).toBe('42 s');
    expect(formatUptime(125)).toBe('2 min 5 s');
    expect(formatUptime(900)).toBe('15 min');
    expect(formatUptime(2 * 3600 + 5 * 60)).toBe('2 h 5 min');
    expect(formatUptime(3 * 86400 + 4 * 3600 + 9)).toBe('3 d 4 h');
  });
  it('asks the history for the last hours, one full page', () => {
    expect(historySince(6, Date.parse('2026-01-01T12:00:00Z'))).toEqual({ start: '2026-01-01T06:00:00.000Z', page_size: 1000 });
  });
});
