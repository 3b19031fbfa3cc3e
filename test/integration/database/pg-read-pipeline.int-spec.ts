import { Client, Pool } from 'pg';
import { PgReadPipeline, type PgPoolLike } from '../../../src/database/pg-read-pipeline';
import { createTestDatabase } from '../../support/start-server';

/** The pipelined read connections of the PostgreSQL hot path (PostgreSQL only: TEST_DATABASE_URL). */
const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;

describePg('PgReadPipeline', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let pipeline: PgReadPipeline;
  let admin: Client;
  const square = (n: number) => ({ name: 'pipeline_square', text: 'SELECT $1::int * $1::int AS sq, $1::int AS n', values: [n] });
  const backends = async () =>
    (
      await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = $2',
        [new URL(db.url).pathname.slice(1), 'client backend'],
      )
    ).rows.map((r) => r.pid);

  beforeAll(async () => {
    db = await createTestDatabase(process.env.TEST_DATABASE_URL!);
    pool = new Pool({ connectionString: db.url, max: 2 });
    admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  beforeEach(() => {
    pipeline = new PgReadPipeline(pool as unknown as PgPoolLike, 2);
  });
  afterEach(() => pipeline.close());
  afterAll(async () => {
    await admin?.end();
    await pool?.end();
    await db?.drop();
  });

  it('answers many concurrent statements, each with its own rows, over two connections', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => pipeline.query(square(i))));
    results.forEach((r, i) => expect(r.rows).toEqual([{ sq: i * i, n: i }]));
    expect(await backends()).toHaveLength(2);
  });

  it('parses the columns of each statement by their own types when statements of different shapes interleave', async () => {
    const mixed = (n: number) => ({
      name: 'pipeline_mixed',
      text: "SELECT $1::int AS n, $1::text AS t, jsonb_build_object('n', $1::int) AS j, $1::int > 5 AS big, NULL::text AS none",
      values: [n],
    });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => pipeline.query(i % 2 ? mixed(i) : square(i))));
    results.forEach((r, i) =>
      expect(r.rows).toEqual(i % 2 ? [{ n: i, t: String(i), j: { n: i }, big: i > 5, none: null }] : [{ sq: i * i, n: i }]),
    );
  });

  it('fails only the statement that fails; the ones around it on the same connection succeed', async () => {
    const bad = { name: 'pipeline_cast', text: 'SELECT $1::int AS n', values: ['not a number'] };
    const outcomes = await Promise.allSettled([
      pipeline.query(square(1)),
      pipeline.query(bad),
      pipeline.query(square(2)),
      pipeline.query(bad),
      pipeline.query(square(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22P02' });
    expect((outcomes[4] as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows).toEqual([{ sq: 9, n: 3 }]);
  });

  it('replaces connections whose backends were terminated, and answers the next statement', async () => {
    await Promise.all([pipeline.query(square(4)), pipeline.query(square(5))]);
    const before = await backends();
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => pipeline.query(square(i))));
    after.forEach((r, i) => expect(r.rows).toEqual([{ sq: i * i, n: i }]));
    expect((await backends()).some((pid) => before.includes(pid))).toBe(false);
  });

  it('ends its connections on close and refuses statements after', async () => {
    await pipeline.query(square(6));
    await pipeline.close();
    await expect(pipeline.query(square(7))).rejects.toThrow(/not queryable/);
    // pg_stat_activity may list an ended backend for a moment.
    for (let i = 0; i < 50 && (await backends()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await backends()).toEqual([]);
  });
});
