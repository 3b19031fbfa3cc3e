import { isWellFormedVersionId, LEGACY_VERSION_ORDER, VersionOrderSource } from './version-id';
import { validateTags } from './object-tags';

describe('version orders', () => {
  it('sort newest first, are unique within a millisecond, and never go back with the clock', () => {
    const source = new VersionOrderSource();
    const issued = [source.next(1000), source.next(1000), source.next(1000), source.next(2000), source.next(1500), source.next(5000)];
    expect(new Set(issued).size).toBe(issued.length);
    expect([...issued].sort()).toEqual([...issued].reverse());
    for (const id of issued) expect(isWellFormedVersionId(id)).toBe(true);
    expect(LEGACY_VERSION_ORDER > issued[0]).toBe(true);
  });

  it('are newer than the order they must follow (another node with a clock ahead)', () => {
    const ahead = new VersionOrderSource().next(9_000_000);
    const mine = new VersionOrderSource().next(1000, ahead);
    expect(mine < ahead).toBe(true);
  });

  it('recognize only ids this server issues, and null', () => {
    expect(isWellFormedVersionId('null')).toBe(true);
    expect(isWellFormedVersionId('')).toBe(false);
    expect(isWellFormedVersionId('3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY')).toBe(false);
    expect(isWellFormedVersionId('A'.repeat(32))).toBe(false);
  });
});

describe('validateTags', () => {
  it('keeps a key named __proto__ as an ordinary tag', () => {
    const tags = validateTags([['__proto__', 'x']]);
    expect(Object.keys(tags)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(tags))).toEqual(tags);
  });
});
