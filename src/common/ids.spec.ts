import { RandomIdGenerator } from './ids';

describe('RandomIdGenerator', () => {
  it('gives 16 upper-case hex request ids, all different, also across pool refills', () => {
    const ids = new RandomIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = ids.requestId();
      expect(id).toMatch(/^[0-9A-F]{16}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });

  it('gives URL-safe upload ids and UUIDs', () => {
    const ids = new RandomIdGenerator();
    expect(ids.uploadId()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ids.uuid()).toMatch(/^[0-9a-f-]{36}$/);
  });
});
