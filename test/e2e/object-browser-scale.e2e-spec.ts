import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { DatabaseService } from '../../src/database/database.service';
import { ObjectEntity } from '../../src/objects/entities/object.entity';
import { ConsoleClient } from '../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../support/start-server';
import { launchBrowser, screenshot, TestBrowser } from './support/chromium';

const COUNT = 100_000;
const key = (i: number) => `many/item-${String(i).padStart(6, '0')}`;

/**
 * The object browser with 100,000 objects in one prefix: the first page renders, scrolling loads
 * the next pages while the DOM keeps only the rows in view, and a search finds one key. Timings
 * are printed (for the record), never asserted.
 */
describe('object browser at scale (Chromium)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const bucket = 'e2e-scale';
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await f();
    timings[name] = Date.now() - t0;
    return r;
  };

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 1000 } });
    const s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // One real PUT, then the rest as copies of its row made by one INSERT … SELECT (100k S3 PUTs
    // take minutes on a busy CI machine; the browser only needs the rows).
    await timed(`seed ${COUNT} objects`, async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(0), Body: '' }));
      const db = server.app.app.get(DatabaseService);
      const meta = db.manager.connection.getMetadata(ObjectEntity);
      const cols = meta.columns.map((c) => c.databaseName).filter((c) => c !== 'id' && c !== 'key');
      const list = cols.map((c) => `"${c}"`).join(', ');
      const src = cols.map((c) => `t."${c}"`).join(', ');
      const series = db.isPostgres
        ? `(SELECT generate_series(1, ${COUNT - 1}) AS i) n`
        : `(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${COUNT - 1}) SELECT i FROM s) n`;
      const pad = db.isPostgres ? `lpad(n.i::text, 6, '0')` : `substr('000000' || n.i, -6, 6)`;
      const id = `'seed-' || n.i`;
      await db.manager.query(
        `INSERT INTO "${meta.tableName}" ("id", "key", ${list}) SELECT ${id}, 'many/item-' || ${pad}, ${src} FROM "${meta.tableName}" t, ${series} WHERE t."key" = '${key(0)}'`,
      );
    });
    const root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    expect((await root.post(`buckets/${bucket}/recalculate-stats`)).status).toBe(200);
    s3.destroy();
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(`${server.consoleUrl}/login`);
    await page.getByLabel('Username').fill(ROOT_ACCESS_KEY);
    await page.getByLabel('Password').fill(ROOT_SECRET_KEY);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  }, 300_000);

  afterAll(async () => {
    console.log(
      `object browser at ${COUNT} objects:\n${Object.entries(timings)
        .map(([k, v]) => `  ${k}: ${v} ms`)
        .join('\n')}`,
    );
    await browser?.close();
    await server?.close();
  });

  const list = () => page.getByRole('table', { name: `Objects in ${bucket}/many/` });
  const renderedRows = () => list().getByRole('row').count();

  test('the first page renders and only the rows in view are in the DOM', async () => {
    await timed('first page rendered', async () => {
      await page.goto(`${server.consoleUrl}/buckets/${bucket}?prefix=many%2F`);
      await list().getByRole('button', { name: 'item-000000', exact: true }).waitFor();
    });
    await page.getByText('1,000 item(s) loaded — scroll for more').waitFor();
    // Header row + the rows in view and overscan: far fewer than the 1,000 loaded.
    expect(await renderedRows()).toBeLessThan(60);
    await screenshot(page, '20-object-browser-100k');
  });

  test('scrolling to the end of the loaded rows loads the next pages', async () => {
    await timed('scroll → next page (2,000 loaded)', async () => {
      await list().evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.getByText('2,000 item(s) loaded — scroll for more').waitFor();
    });
    await list().evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.getByText('3,000 item(s) loaded — scroll for more').waitFor();
    await list().evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await list().getByRole('button', { name: 'item-002999', exact: true }).waitFor();
    expect(await list().getByRole('button', { name: 'item-000000', exact: true }).count()).toBe(0);
    expect(await renderedRows()).toBeLessThan(60);
  });

  test('a search with filters finds one key among 100,000', async () => {
    await page.getByText('Search with filters').click();
    await page.getByLabel('Name contains').fill('item-098765');
    await timed('search found item-098765', async () => {
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await list().getByRole('button', { name: 'many/item-098765', exact: true }).waitFor({ timeout: 120_000 });
    });
    await page.getByText('1 item(s) loaded').waitFor({ timeout: 120_000 });
    await screenshot(page, '21-object-search-100k');
  });
});
