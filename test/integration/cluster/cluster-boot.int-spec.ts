import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../../support/child-server';

/** Cluster mode needs PostgreSQL: on SQLite the server refuses to boot, saying so. */
describe('cluster mode at boot', () => {
  it('refuses CLUSTER_ENABLED on SQLite with a message naming PostgreSQL, and exits 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'os3-cluster-boot-'));
    try {
      const started = startChildServer({
        dataDir,
        env: { CLUSTER_ENABLED: 'true', CLUSTER_SECRET: 'x'.repeat(40) },
        readyTimeoutMs: 20_000,
      });
      await expect(started).rejects.toThrow(
        /exited before it was ready \(code 1[\s\S]*CLUSTER_ENABLED=true requires PostgreSQL \(DATABASE_URL\)/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
