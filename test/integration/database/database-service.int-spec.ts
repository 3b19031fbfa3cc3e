import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, LessThan, Like } from 'typeorm';
import { dataSourceOptions } from '../../../src/database/data-source';
import { DatabaseService } from '../../../src/database/database.service';
import { bindNumericParameters } from '../../../src/database/sqlite-parameters';
import { ObjectEntity } from '../../../src/objects/entities/object.entity';
import { SettingEntity } from '../../../src/settings/entities/setting.entity';
import { BlobEntity } from '../../../src/storage/blob.entity';
import { createTestDatabase } from '../../support/start-server';

/** DatabaseService on the database under test (SQLite file, or PostgreSQL with TEST_DATABASE_URL), with FSYNC on. */
async function open(): Promise<{ db: DatabaseService; ds: DataSource; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'os3-db-'));
  const pg = process.env.TEST_DATABASE_URL ? await createTestDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const ds = new DataSource(dataSourceOptions({ databaseUrl: pg?.url, dataDir, fsync: true }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  bindNumericParameters(ds);
  const db = new DatabaseService(ds, { fsync: true });
  return {
    db,
    ds,
    close: async () => {
      await db.onApplicationShutdown();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const setting = (key: string, value: string) =>
  Object.assign(new SettingEntity(), { key, value, updatedAt: Date.now(), updatedBy: 'test' });

describe('DatabaseService.tx', () => {
  let ctx: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    ctx = await open();
  });
  afterAll(() => ctx.close());

  it('keeps every transaction that succeeds and nothing of one that fails, also when they run concurrently', async () => {
    const n = 60;
    const outcomes = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        ctx.db.tx(async (m) => {
          await m.insert(SettingEntity, setting(`c-${i}`, String(i)));
          await m.insert(SettingEntity, setting(`c-${i}-second`, String(i)));
          if (i % 5 === 0) throw new Error(`refused ${i}`);
          return i;
        }),
      ),
    );
    outcomes.forEach((o, i) => {
      if (i % 5 === 0) expect(o).toMatchObject({ status: 'rejected', reason: { message: `refused ${i}` } });
      else expect(o).toEqual({ status: 'fulfilled', value: i });
    });
    const keys = (await ctx.db.repo(SettingEntity).find()).map((s) => s.key).filter((k) => k.startsWith('c-'));
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i % 5 !== 0)
      .flatMap((i) => [`c-${i}`, `c-${i}-second`]);
    expect(keys.sort()).toEqual(expected.sort());
  });

  it('rejects a transaction that breaks a constraint without losing its neighbours', async () => {
    await ctx.db.tx((m) => m.insert(SettingEntity, setting('dup', 'first')));
    const [a, b, c] = await Promise.allSettled([
      ctx.db.tx((m) => m.insert(SettingEntity, setting('before-dup', 'x'))),
      ctx.db.tx((m) => m.insert(SettingEntity, setting('dup', 'second'))),
      ctx.db.tx((m) => m.insert(SettingEntity, setting('after-dup', 'x'))),
    ]);
    expect([a.status, b.status, c.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await ctx.db.repo(SettingEntity).findOneByOrFail({ key: 'dup' })).value).toBe('first');
    expect(await ctx.db.repo(SettingEntity).countBy({ key: 'before-dup' })).toBe(1);
    expect(await ctx.db.repo(SettingEntity).countBy({ key: 'after-dup' })).toBe(1);
  });

  it('stores and compares numbers exactly: timestamps, sizes past 2^32, negatives', async () => {
    const values = [0, -7, 4096, 2 ** 33 + 5, Date.now(), Number.MAX_SAFE_INTEGER];
    await ctx.db.tx((m) =>
      m.insert(
        BlobEntity,
        values.map((v, i) => ({ id: `num-${i}`, size: v, createdAt: v })),
      ),
    );
    const rows = await ctx.db.repo(BlobEntity).find({ where: { createdAt: LessThan(2 ** 40) }, order: { id: 'ASC' } });
    expect(rows.map((r) => r.size)).toEqual(values.filter((v) => v < 2 ** 40));
    const sum = await ctx.db.manager
      .createQueryBuilder(BlobEntity, 'b')
      .select('SUM(b.size)', 'total')
      .where('b.id IN (:...ids)', { ids: ['num-1', 'num-2'] })
      .andWhere('b.size > :min', { min: -10 })
      .getRawOne<{ total: string | number }>();
    expect(Number(sum?.total)).toBe(4096 - 7);
  });
});

describe('DatabaseService.findOne / insert (prepared hot path)', () => {
  let ctx: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    ctx = await open();
  });
  afterAll(() => ctx.close());

  const object = (over: Partial<ObjectEntity>): ObjectEntity =>
    Object.assign(new ObjectEntity(), {
      id: over.id,
      bucketId: 'bucket-1',
      key: 'k',
      versionId: 'null',
      versionOrder: over.versionOrder ?? '0001',
      isLatest: true,
      isDeleteMarker: false,
      size: 2 ** 34 + 3,
      etag: 'abc',
      metadata: { 'content-type': 'text/plain', 'x-amz-meta-a': 'ü' },
      checksums: null,
      manifest: [{ b: 'blob-1', s: 5 }],
      partCount: null,
      storageClass: 'STANDARD',
      ownerId: 'owner',
      lastModified: Date.now(),
      tags: null,
      lockMode: null,
      lockRetainUntil: null,
      legalHold: null,
      ...over,
    });

  it('reads back exactly what TypeORM reads: booleans, big sizes, JSON, NULLs', async () => {
    const a = object({ id: 'o-1', key: 'a', legalHold: true, tags: { t: '1' }, lockMode: 'GOVERNANCE', lockRetainUntil: 1800000000000 });
    const b = object({ id: 'o-2', key: 'b', isLatest: false, isDeleteMarker: true, versionId: 'v2', versionOrder: '0002' });
    await ctx.db.tx((m) => ctx.db.insert(m, ObjectEntity, [a, b]));
    for (const where of [
      { bucketId: 'bucket-1', key: 'a', isLatest: true },
      { bucketId: 'bucket-1', key: 'b', versionId: 'v2' },
      { id: 'o-2' },
    ]) {
      const fast = await ctx.db.findOne(ObjectEntity, where);
      const orm = await ctx.db.repo(ObjectEntity).findOneBy(where);
      expect(fast).toBeInstanceOf(ObjectEntity);
      expect(fast).toEqual(orm);
    }
    expect(await ctx.db.findOne(ObjectEntity, { id: 'o-1' })).toMatchObject({
      legalHold: true,
      isDeleteMarker: false,
      size: 2 ** 34 + 3,
      tags: { t: '1' },
    });
    expect(await ctx.db.findOne(ObjectEntity, { bucketId: 'bucket-1', key: 'b', isLatest: true })).toBeNull();
    expect(await ctx.db.findOne(ObjectEntity, { key: 'b', legalHold: null })).toMatchObject({ id: 'o-2', legalHold: null });
    expect(await ctx.db.findOne(ObjectEntity, { key: 'a', legalHold: null })).toBeNull();
  });

  it('leaves columns that are not given to their defaults, and reads inside a transaction', async () => {
    const row = object({ id: 'o-3', key: 'c' });
    delete (row as Partial<ObjectEntity>).storageClass;
    delete (row as Partial<ObjectEntity>).versionId;
    const seen = await ctx.db.tx(async (m) => {
      await ctx.db.insert(m, ObjectEntity, [row]);
      return ctx.db.findOne(ObjectEntity, { id: 'o-3' }, m);
    });
    expect(seen).toMatchObject({ storageClass: 'STANDARD', versionId: 'null' });
  });

  it('deletes by column values and says how many rows went', async () => {
    await ctx.db.tx((m) => ctx.db.insert(m, ObjectEntity, [object({ id: 'o-4', key: 'd' }), object({ id: 'o-5', key: 'e' })]));
    expect(await ctx.db.tx((m) => ctx.db.delete(m, ObjectEntity, { id: 'o-4' }))).toBe(1);
    expect(await ctx.db.tx((m) => ctx.db.delete(m, ObjectEntity, { id: 'o-4' }))).toBe(0);
    expect(await ctx.db.findOne(ObjectEntity, { id: 'o-4' })).toBeNull();
    expect(await ctx.db.findOne(ObjectEntity, { id: 'o-5' })).not.toBeNull();
    await expect(ctx.db.tx((m) => ctx.db.delete(m, ObjectEntity, {}))).rejects.toThrow(/non-null conditions/);
  });

  it('inserts a batch in one statement, and rows that set other columns one by one', async () => {
    const rows = [object({ id: 'o-6', key: 'f' }), object({ id: 'o-7', key: 'g', tags: { t: '2' } }), object({ id: 'o-8', key: 'h' })];
    await ctx.db.tx((m) => ctx.db.insertMany(m, ObjectEntity, rows));
    for (const r of rows)
      expect(await ctx.db.findOne(ObjectEntity, { id: r.id })).toEqual(await ctx.db.repo(ObjectEntity).findOneBy({ id: r.id }));
    expect(await ctx.db.findOne(ObjectEntity, { id: 'o-7' })).toMatchObject({ tags: { t: '2' }, size: 2 ** 34 + 3 });
    const mixed = [object({ id: 'o-9', key: 'i' }), object({ id: 'o-10', key: 'j' })];
    delete (mixed[1] as Partial<ObjectEntity>).storageClass;
    await ctx.db.tx((m) => ctx.db.insertMany(m, ObjectEntity, mixed));
    expect(await ctx.db.findOne(ObjectEntity, { id: 'o-10' })).toMatchObject({ storageClass: 'STANDARD' });
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    'PostgreSQL: deletes and inserts under the same unique key in one statement, returning what went',
    async () => {
      await ctx.db.tx((m) => ctx.db.insert(m, BlobEntity, [Object.assign(new BlobEntity(), { id: 'blob-old', size: 5, createdAt: 1 })]));
      await ctx.db.tx((m) => ctx.db.insert(m, ObjectEntity, [object({ id: 'o-11', key: 'x', manifest: [{ b: 'blob-old', s: 5 }] })]));
      const replacing = object({ id: 'o-12', key: 'x', versionOrder: '0003', manifest: [{ b: 'blob-new', s: 5 }] });
      const newBlob = Object.assign(new BlobEntity(), { id: 'blob-new', size: 5, createdAt: 2 });
      const also = `DELETE FROM "blobs" WHERE "id" IN (SELECT jsonb_array_elements(d."manifest"::jsonb)->>'b' FROM d)`;
      const gone = await ctx.db.tx((m) =>
        ctx.db.deleteThenInsert(
          m,
          ObjectEntity,
          { bucketId: 'bucket-1', key: 'x', versionId: 'null' },
          [
            { entity: ObjectEntity, rows: [replacing] },
            { entity: BlobEntity, rows: [newBlob] },
          ],
          also,
        ),
      );
      expect(gone.map((r) => r.id)).toEqual(['o-11']);
      expect(gone[0]).toBeInstanceOf(ObjectEntity);
      expect(await ctx.db.findOne(ObjectEntity, { bucketId: 'bucket-1', key: 'x', versionId: 'null' })).toMatchObject({ id: 'o-12' });
      expect(await ctx.db.findOne(BlobEntity, { id: 'blob-old' })).toBeNull();
      expect(await ctx.db.findOne(BlobEntity, { id: 'blob-new' })).not.toBeNull();
      // Nothing to replace: the rows are inserted all the same.
      const fresh = object({ id: 'o-13', key: 'y', versionOrder: '0004' });
      expect(
        await ctx.db.tx((m) =>
          ctx.db.deleteThenInsert(
            m,
            ObjectEntity,
            { bucketId: 'bucket-1', key: 'y', versionId: 'null' },
            [{ entity: ObjectEntity, rows: [fresh] }],
            also,
          ),
        ),
      ).toEqual([]);
      expect(await ctx.db.findOne(ObjectEntity, { id: 'o-13' })).not.toBeNull();
    },
  );
});

(process.env.TEST_DATABASE_URL ? describe.skip : describe)('DatabaseService.tx on SQLite with FSYNC on', () => {
  let ctx: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    ctx = await open();
  });
  afterAll(() => ctx.close());

  it('answers a transaction only after a WAL flush that started after its COMMIT, and shares flushes', async () => {
    const events: string[] = [];
    const db = ctx.db as unknown as { syncWal: () => Promise<void> };
    const realSync = db.syncWal.bind(ctx.db);
    let syncs = 0;
    db.syncWal = async () => {
      const id = ++syncs;
      events.push(`sync-start ${id}`);
      await realSync();
      events.push(`sync-end ${id}`);
    };
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        ctx.db
          .tx(async (m) => {
            await m.insert(SettingEntity, setting(`s-${i}`, 'x'));
            events.push(`run ${i}`);
          })
          .then(() => events.push(`done ${i}`)),
      ),
    );
    for (let i = 0; i < n; i++) {
      const ran = events.indexOf(`run ${i}`);
      const done = events.indexOf(`done ${i}`);
      const covering = events.findIndex((e, at) => at > ran && at < done && e.startsWith('sync-start'));
      expect(covering).toBeGreaterThan(ran);
      const id = events[covering].split(' ')[1];
      expect(events.indexOf(`sync-end ${id}`)).toBeLessThan(done);
    }
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(n);
  });

  it('leaves the data in the file: a second connection reads every acknowledged row', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.db.tx((m) => m.insert(SettingEntity, setting(`f-${i}`, 'x')))));
    const other = new DataSource({ type: 'better-sqlite3', database: ctx.ds.options.database as string, entities: [SettingEntity] });
    await other.initialize();
    try {
      expect(await other.getRepository(SettingEntity).countBy({ key: Like('f-%') })).toBe(20);
    } finally {
      await other.destroy();
    }
  });
});
