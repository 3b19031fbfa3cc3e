// The "Node floor": the least work any Node.js S3 server must do on this machine. PUT streams
// the body to a temp file, fsyncs it and renames it into place (then fsyncs the directory) when
// durable; GET streams the file back; HEAD stats it; DELETE unlinks it. No auth (the signed
// headers are ignored), no metadata, no checksums. Started as a child process by bench/run.mjs:
//   node bench/floor-server.mjs --dir <dir> --fsync true|false   → prints {"port":N} on stdout
import http from 'node:http';
import { createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const root = arg('dir');
const durable = arg('fsync', 'true') === 'true';
const HWM = 256 * 1024;
const filesDir = join(root, 'files');
const tmpDir = join(root, 'tmp');
await fs.mkdir(filesDir, { recursive: true });
await fs.mkdir(tmpDir, { recursive: true });
let seq = 0;

const fileOf = (path) => join(filesDir, Buffer.from(path).toString('base64url'));

async function syncDir(dir) {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function reply(res, status, headers = {}) {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}

async function put(req, res, path) {
  if (path.indexOf('/', 1) < 0) {
    // CreateBucket: nothing to do.
    req.resume();
    return reply(res, 200);
  }
  const tmp = join(tmpDir, `${process.pid}-${seq++}`);
  // flush: fsync before close (Node >= 20.10).
  await pipeline(req, createWriteStream(tmp, { flush: durable, highWaterMark: HWM }));
  await fs.rename(tmp, fileOf(path));
  if (durable) await syncDir(filesDir);
  reply(res, 200, { etag: '"0"' });
}

async function get(req, res, path, head) {
  let fh;
  try {
    fh = await fs.open(fileOf(path), 'r');
  } catch {
    return reply(res, 404);
  }
  const { size } = await fh.stat();
  if (head) {
    await fh.close();
    return reply(res, 200, { 'content-length': size });
  }
  res.writeHead(200, { 'content-length': size });
  await pipeline(fh.createReadStream({ highWaterMark: HWM }), res);
}

async function del(res, path) {
  await fs.rm(fileOf(path), { force: true });
  if (durable) await syncDir(filesDir);
  reply(res, 204);
}

const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let work;
  if (req.method === 'PUT') work = put(req, res, path);
  else if (req.method === 'GET' || req.method === 'HEAD') work = get(req, res, path, req.method === 'HEAD');
  else if (req.method === 'DELETE') work = del(res, path);
  else work = Promise.resolve(reply(res, 501));
  work.catch((err) => {
    if (!res.headersSent) reply(res, 500);
    else res.destroy(err);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());
