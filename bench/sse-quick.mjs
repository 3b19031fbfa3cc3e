// Quick SSE-S3 vs plain figures: PUT then GET of 64 MiB objects, alternating plain and encrypted,
// against the built server (npm run build first). Usage: node bench/sse-quick.mjs [rounds] [fsync]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repeatedBody, S3Client } from './lib/client.mjs';
import { startServer } from './lib/procs.mjs';
import { median, MiB } from './lib/stats.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] ?? 5);
const fsync = process.argv[3] ?? 'false';
const SIZE = 64 * MiB;
const dataDir = mkdtempSync(join(tmpdir(), 'sse-bench-'));
const accessKey = 'BENCHACCESSKEY000001';
const secretKey = 'benchSecretKey/0123456789abcdefghijklmnop';
const server = await startServer({ root: ROOT, dataDir, fsync, accessKey, secretKey });
const s3 = new S3Client({ endpoint: server.endpoint, accessKey, secretKey, maxSockets: 4 });
const block = Buffer.alloc(MiB, 7);
try {
  await s3.request({ method: 'PUT', path: '/bench' });
  const figures = { plain: { put: [], get: [] }, AES256: { put: [], get: [] } };
  for (let r = 0; r < rounds + 1; r++) {
    for (const mode of r % 2 ? ['AES256', 'plain'] : ['plain', 'AES256']) {
      const extra = mode === 'AES256' ? { 'x-amz-server-side-encryption': 'AES256' } : undefined;
      let t = process.hrtime.bigint();
      const put = await s3.request({ method: 'PUT', path: `/bench/${mode}-${r}`, body: repeatedBody(block, SIZE), extraHeaders: extra });
      if (put.status !== 200) throw new Error(`PUT ${put.status}`);
      const putS = Number(process.hrtime.bigint() - t) / 1e9;
      t = process.hrtime.bigint();
      const get = await s3.request({ method: 'GET', path: `/bench/${mode}-${r}` });
      if (get.status !== 200 || get.bytes !== SIZE) throw new Error(`GET ${get.status} ${get.bytes}`);
      const getS = Number(process.hrtime.bigint() - t) / 1e9;
      if (r === 0) continue; // warm-up
      figures[mode].put.push(SIZE / MiB / putS);
      figures[mode].get.push(SIZE / MiB / getS);
    }
  }
  const m = (xs) => median(xs).toFixed(0);
  console.log(`64 MiB, FSYNC=${fsync}, ${rounds} rounds (median MiB/s)`);
  console.log(
    `PUT plain ${m(figures.plain.put)}  SSE-S3 ${m(figures.AES256.put)}  ratio ${(median(figures.AES256.put) / median(figures.plain.put)).toFixed(2)}`,
  );
  console.log(
    `GET plain ${m(figures.plain.get)}  SSE-S3 ${m(figures.AES256.get)}  ratio ${(median(figures.AES256.get) / median(figures.plain.get)).toFixed(2)}`,
  );
} finally {
  s3.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
