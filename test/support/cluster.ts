import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, startChildServer } from './child-server';
import { ConsoleClient } from './console-client';
import { createTestDatabase, ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from './start-server';

/** Bytes stored in a node's blob directory (its local volume). */
export const blobBytes = (dataDir: string): number => {
  let total = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else total += statSync(path).size;
    }
  };
  try {
    walk(join(dataDir, 'blobs'));
  } catch {
    // no blob yet
  }
  return total;
};

export const TEST_CLUSTER_SECRET = 'test-cluster-secret-0123456789abcdef0123456789';

export interface TestNode {
  name: string;
  server: ChildServer;
  console: ConsoleClient;
}

export interface TestCluster {
  nodes: TestNode[];
  databaseUrl: string;
  /** Starts one more node (or restarts a stopped one by name, on its data dir). */
  start(name: string): Promise<TestNode>;
  close(): Promise<void>;
}

/**
 * N server processes (node dist/main.js) on one machine: separate ports and data dirs, one fresh
 * PostgreSQL database shared by all, CLUSTER_ENABLED with a fast heartbeat (1 s, unhealthy after 3 s).
 * The first node starts alone (it runs the migrations), the others together.
 */
export async function startTestCluster(baseUrl: string, names: string[], env: Record<string, string> = {}): Promise<TestCluster> {
  const db = await createTestDatabase(baseUrl);
  const dirs = new Map<string, string>();
  const nodes: TestNode[] = [];
  const start = async (name: string): Promise<TestNode> => {
    let dataDir = dirs.get(name);
    if (!dataDir) dirs.set(name, (dataDir = mkdtempSync(join(tmpdir(), `os3-cluster-${name}-`))));
    const server = await startChildServer({
      dataDir,
      databaseUrl: db.url,
      fsync: false,
      // Several processes boot at once on a small, busy CI machine.
      readyTimeoutMs: 90_000,
      env: {
        CLUSTER_ENABLED: 'true',
        CLUSTER_SECRET: TEST_CLUSTER_SECRET,
        NODE_NAME: name,
        CLUSTER_HEARTBEAT_SECONDS: '1',
        CLUSTER_NODE_TIMEOUT_SECONDS: '3',
        ...env,
      },
    });
    const node = { name, server, console: await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY) };
    const i = nodes.findIndex((n) => n.name === name);
    if (i >= 0) nodes[i] = node;
    else nodes.push(node);
    return node;
  };
  try {
    await start(names[0]);
    await Promise.all(names.slice(1).map(start));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.server.kill('SIGKILL')));
    await db.drop();
    throw err;
  }
  return {
    nodes,
    databaseUrl: db.url,
    start,
    close: async () => {
      await Promise.all(nodes.map((n) => n.server.stop(5000)));
      await db.drop();
      for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
    },
  };
}
