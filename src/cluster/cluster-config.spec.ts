import { ConfigError, loadConfig } from '../config/load-config';

const PG = { DATABASE_URL: 'postgres://u@db/x', MASTER_KEY: '11'.repeat(32) };
const SECRET = 'c'.repeat(40);

describe('cluster configuration', () => {
  it('is off by default (single node, SQLite)', () => {
    expect(loadConfig({}).cluster).toBeUndefined();
  });

  it('refuses cluster mode on SQLite with a message naming PostgreSQL', () => {
    expect(() => loadConfig({ CLUSTER_ENABLED: 'true', CLUSTER_SECRET: SECRET })).toThrow(
      /CLUSTER_ENABLED=true requires PostgreSQL \(DATABASE_URL\)/,
    );
  });

  it('requires a long enough cluster secret', () => {
    try {
      loadConfig({ ...PG, CLUSTER_ENABLED: 'true', CLUSTER_SECRET: 'short' });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).toMatch(/CLUSTER_SECRET .* at least 32 characters/);
    }
  });

  it('reads the node identity; NODE_ID defaults to NODE_NAME', () => {
    const c = loadConfig({
      ...PG,
      CLUSTER_ENABLED: 'true',
      CLUSTER_SECRET: SECRET,
      NODE_NAME: 'objectstore-1',
      NODE_ENDPOINT: 'http://objectstore-1.objectstore:9000/',
      NODE_ZONE: 'eu-1a',
      CLUSTER_HEARTBEAT_SECONDS: '1',
      CLUSTER_NODE_TIMEOUT_SECONDS: '3',
    }).cluster;
    expect(c).toMatchObject({
      nodeId: 'objectstore-1',
      nodeName: 'objectstore-1',
      endpoint: 'http://objectstore-1.objectstore:9000',
      zone: 'eu-1a',
      heartbeatIntervalMs: 1000,
      nodeTimeoutMs: 3000,
    });
  });

  it('refuses a node timeout not longer than the heartbeat', () => {
    expect(() =>
      loadConfig({
        ...PG,
        CLUSTER_ENABLED: 'true',
        CLUSTER_SECRET: SECRET,
        CLUSTER_HEARTBEAT_SECONDS: '5',
        CLUSTER_NODE_TIMEOUT_SECONDS: '5',
      }),
    ).toThrow(/CLUSTER_NODE_TIMEOUT_SECONDS must be longer/);
  });
});
