// A lean S3 client for the benchmark: requests are signed with the project's own SigV4 code
// (dist/s3/auth/sigv4, built by `npm run build`) and sent over node:http with a keep-alive
// agent. Signing keys are derived once per day, the amz-date string once per second, and the
// canonical request covers only host, x-amz-content-sha256 and x-amz-date, so the client's
// per-request cost stays a few microseconds. The Node floor server gets the very same requests.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let canonicalRequest, stringToSign, credentialScope, computeSignature, deriveSigningKey, uriEncode;

let newDigester;

/** Loads the SigV4 functions (and the checksum digesters) from a build of the project (default: <repo>/dist). */
export function loadSigner(dist = join(ROOT, 'dist')) {
  ({ newDigester } = require(join(dist, 'objects', 'checksums.js')));
  const sigv4 = join(dist, 's3', 'auth', 'sigv4');
  ({ canonicalRequest } = require(join(sigv4, 'canonical-request.js')));
  ({ stringToSign, credentialScope } = require(join(sigv4, 'string-to-sign.js')));
  ({ computeSignature } = require(join(sigv4, 'signature.js')));
  ({ deriveSigningKey } = require(join(sigv4, 'signing-key.js')));
  ({ uriEncode } = require(join(sigv4, 'uri-encode.js')));
}

export const UNSIGNED = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const REQUEST_TIMEOUT_MS = 120_000;
const SIGNED_HEADERS = ['host', 'x-amz-content-sha256', 'x-amz-date'];
const SIGNED_HEADERS_STR = SIGNED_HEADERS.join(';');

export const sha256Hex = (buf) => createHash('sha256').update(buf).digest('hex');

/** Percent-encodes a key for the path, keeping `/` (the server sees exactly these bytes). */
export const encodeKey = (key) => uriEncode(key, true);


export class S3Client {
  /**
   * @param {{ endpoint: string, accessKey: string, secretKey: string, region?: string, maxSockets: number }} opts
   */
  constructor(opts) {
    if (!canonicalRequest) loadSigner();
    const u = new URL(opts.endpoint);
    this.hostname = u.hostname;
    this.port = Number(u.port);
    this.host = u.host;
    this.accessKey = opts.accessKey;
    this.secretKey = opts.secretKey;
    this.region = opts.region ?? 'us-east-1';
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets, scheduling: 'fifo' });
    this._dateSecond = -1;
    this._amzDate = '';
    this._day = '';
    this._signingKey = null;
    this._scope = '';
  }

  close() {
    this.agent.destroy();
  }

  _clock() {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    if (sec !== this._dateSecond) {
      this._dateSecond = sec;
      const iso = new Date(sec * 1000).toISOString();
      this._amzDate = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
      const day = this._amzDate.slice(0, 8);
      if (day !== this._day) {
        this._day = day;
        this._signingKey = deriveSigningKey(this.secretKey, day, this.region, 's3');
        this._scope = credentialScope(day, this.region, 's3');
      }
    }
    return this._amzDate;
  }

  /** Signed request headers for method + raw (encoded) path + decoded query pairs. */
  sign(method, rawPath, query, payloadHash, extraHeaders) {
    const amzDate = this._clock();
    const headers = { host: this.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    let signed = SIGNED_HEADERS;
    let signedStr = SIGNED_HEADERS_STR;
    if (extraHeaders) {
      // Extra headers (x-amz-checksum-*, content-md5, …) are signed too.
      for (const [k, v] of Object.entries(extraHeaders)) headers[k.toLowerCase()] = v;
      signed = Object.keys(headers).sort();
      signedStr = signed.join(';');
    }
    const creq = canonicalRequest({ method, rawPath, query, headers, signedHeaders: signed, payloadHash });
    const signature = computeSignature(this._signingKey, stringToSign(amzDate, this._scope, creq));
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${this._scope}, SignedHeaders=${signedStr}, Signature=${signature}`;
    return headers;
  }

  /**
   * One request. `body`: undefined, a Buffer, or `{ size, write(req) → Promise }` for streamed
   * bodies. `consume`: 'discard' (count bytes), 'text' (collect as string) or 'none'.
   * Resolves { status, bytes, text?, headers }.
   */
  request({ method, path, query = [], body, payloadHash = UNSIGNED, consume = 'discard', extraHeaders }) {
    const headers = this.sign(method, path, query, payloadHash, extraHeaders);
    let qs = '';
    for (const [k, v] of query) qs += (qs ? '&' : '?') + uriEncode(k, false) + '=' + uriEncode(v, false);
    const size = body === undefined ? 0 : Buffer.isBuffer(body) ? body.length : body.size;
    if (method === 'PUT' || method === 'POST' || size > 0) headers['content-length'] = size;
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent: this.agent, hostname: this.hostname, port: this.port, method, path: path + qs, headers },
        (res) => {
          let bytes = 0;
          let text = consume === 'text' ? '' : undefined;
          if (consume === 'text') res.setEncoding('utf8');
          res.on('data', (chunk) => {
            bytes += chunk.length;
            if (text !== undefined) text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode, bytes, text, headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path}: no response in ${REQUEST_TIMEOUT_MS} ms`)));
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else body.write(req).then(() => req.end(), reject);
    });
  }
}

/** A streamed body of `size` bytes made by repeating `block` (no GiBs held in memory). */
export function repeatedBody(block, size) {
  return {
    size,
    async write(req) {
      let left = size;
      while (left > 0) {
        const n = Math.min(left, block.length);
        const ok = req.write(n === block.length ? block : block.subarray(0, n));
        left -= n;
        if (!ok) await new Promise((r) => req.once('drain', r));
      }
    },
  };
}

/** Throws unless the status is one of `ok`. */
export function expectStatus(res, ok, what) {
  if (!ok.includes(res.status)) {
    const err = new Error(`${what}: HTTP ${res.status}${res.text ? ' ' + res.text.slice(0, 300) : ''}`);
    err.status = res.status;
    throw err;
  }
  return res;
}

const checksumCache = new Map();

/**
 * `{ 'x-amz-checksum-<algorithm>': base64 }` for a body of `size` bytes made by repeating
 * `block` (as an SDK sends with flexible checksums), computed once per (algorithm, block, size).
 */
export async function checksumHeader(algorithm, block, size) {
  if (!algorithm) return undefined;
  let perBlock = checksumCache.get(block);
  if (!perBlock) checksumCache.set(block, (perBlock = new Map()));
  const key = `${algorithm}/${size}`;
  if (!perBlock.has(key)) {
    const d = newDigester(algorithm);
    for (let left = size; left > 0; left -= block.length) d.update(left >= block.length ? block : block.subarray(0, left));
    perBlock.set(key, (await d.digest()).toString('base64'));
  }
  return { [`x-amz-checksum-${algorithm}`]: perBlock.get(key) };
}
