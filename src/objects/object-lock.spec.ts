import { assertRemovable, assertRetentionChange, defaultRetainUntil, LockState } from './object-lock';

const NOW = new Date('2030-06-01T00:00:00.000Z');
const later = (ms: number) => NOW.getTime() + ms;
const state = (s: Partial<LockState>): LockState => ({ lockMode: null, lockRetainUntil: null, legalHold: null, ...s });

describe('object lock rules', () => {
  it.each([
    ['nothing', state({}), false, true],
    ['an expired COMPLIANCE retention', state({ lockMode: 'COMPLIANCE', lockRetainUntil: later(-1) }), false, true],
    ['an active GOVERNANCE retention', state({ lockMode: 'GOVERNANCE', lockRetainUntil: later(1) }), false, false],
    ['an active GOVERNANCE retention, with bypass', state({ lockMode: 'GOVERNANCE', lockRetainUntil: later(1) }), true, true],
    ['an active COMPLIANCE retention, with bypass', state({ lockMode: 'COMPLIANCE', lockRetainUntil: later(1) }), true, false],
    ['a legal hold, with bypass', state({ legalHold: true }), true, false],
    ['a released legal hold', state({ legalHold: false }), false, true],
  ])('removal of a version with %s', (_name, s, bypass, allowed) => {
    const attempt = () => assertRemovable(s, NOW, bypass, 'k');
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(expect.objectContaining({ code: 'ProtectedByObjectLock' }));
  });

  const governance = state({ lockMode: 'GOVERNANCE', lockRetainUntil: later(1000) });
  const compliance = state({ lockMode: 'COMPLIANCE', lockRetainUntil: later(1000) });
  it.each([
    ['extend GOVERNANCE', governance, { mode: 'GOVERNANCE' as const, retainUntil: later(2000) }, false, true],
    ['shorten GOVERNANCE', governance, { mode: 'GOVERNANCE' as const, retainUntil: later(500) }, false, false],
    ['shorten GOVERNANCE with bypass', governance, { mode: 'GOVERNANCE' as const, retainUntil: later(500) }, true, true],
    ['remove GOVERNANCE', governance, null, false, false],
    ['remove GOVERNANCE with bypass', governance, null, true, true],
    ['GOVERNANCE to COMPLIANCE', governance, { mode: 'COMPLIANCE' as const, retainUntil: later(2000) }, false, false],
    ['extend COMPLIANCE', compliance, { mode: 'COMPLIANCE' as const, retainUntil: later(2000) }, false, true],
    ['shorten COMPLIANCE with bypass', compliance, { mode: 'COMPLIANCE' as const, retainUntil: later(500) }, true, false],
    ['COMPLIANCE to GOVERNANCE with bypass', compliance, { mode: 'GOVERNANCE' as const, retainUntil: later(2000) }, true, false],
    ['remove COMPLIANCE with bypass', compliance, null, true, false],
    ['anything after expiry', state({ lockMode: 'COMPLIANCE', lockRetainUntil: later(-1) }), null, false, true],
  ])('retention change: %s', (_name, s, next, bypass, allowed) => {
    const attempt = () => assertRetentionChange(s, next, NOW, bypass);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(expect.objectContaining({ code: 'ObjectLocked' }));
  });

  it('default retention counts calendar days and years in UTC', () => {
    expect(new Date(defaultRetainUntil({ mode: 'GOVERNANCE', days: 30 }, NOW)).toISOString()).toBe('2030-07-01T00:00:00.000Z');
    expect(new Date(defaultRetainUntil({ mode: 'COMPLIANCE', years: 2 }, NOW)).toISOString()).toBe('2032-06-01T00:00:00.000Z');
  });
});
