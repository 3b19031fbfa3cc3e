import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { S3Error } from '../errors/s3-error';
import { writeXml } from '../xml/write-xml';
import { S3Result } from './s3-result';

const XML_TYPE = 'application/xml';

function setHeaders(res: ServerResponse, headers: Record<string, string | number | undefined>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) res.setHeader(name, value);
  }
}

/**
 * `body.pipe(res)` with pipeline's guarantees (an error or an early close of either side destroys
 * both and rejects) but not its cost: stream.pipeline builds an AbortController and, on every
 * completion, an AbortError DOMException with a stack trace — a few percent of a small GET.
 */
function sendStream(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      body.off('error', onError);
      body.off('close', onBodyClose);
      res.off('error', onError);
      res.off('finish', onFinish);
      res.off('close', onClose);
      if (err) {
        body.destroy();
        res.destroy(err);
        reject(err);
      } else resolve();
    };
    const onError = (err: Error) => done(err);
    const onFinish = () => done();
    const premature = () => Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    const onClose = () => {
      if (!res.writableFinished) done(premature());
    };
    // A body closed before its end (destroyed without an error) would leave the response hanging.
    const onBodyClose = () => {
      if (!body.readableEnded) done(premature());
    };
    body.on('error', onError);
    body.on('close', onBodyClose);
    res.on('error', onError);
    res.on('finish', onFinish);
    res.on('close', onClose);
    body.pipe(res);
  });
}

/** Writes a handler's result: the only place a successful S3 response becomes bytes. */
export async function writeResult(res: ServerResponse, result: S3Result, method: string): Promise<void> {
  setHeaders(res, result.headers);
  res.statusCode = result.status;
  const head = method === 'HEAD';
  if (result.xml) {
    const body = Buffer.from(writeXml(result.xml), 'utf8');
    res.setHeader('Content-Type', XML_TYPE);
    res.setHeader('Content-Length', body.length);
    res.end(head ? undefined : body);
    return;
  }
  if (result.stream) {
    res.setHeader('Content-Length', result.contentLength ?? 0);
    if (head) {
      result.stream.destroy();
      res.end();
      return;
    }
    await sendStream(result.stream, res);
    return;
  }
  if (!res.hasHeader('Content-Length') && result.status !== 204 && result.status !== 304) res.setHeader('Content-Length', 0);
  res.end();
}

const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Echoed request text (a path) may hold characters XML 1.0 cannot carry: replace them. */
const xmlSafe = (s: string) => s.replace(XML_INVALID, '\uFFFD');

/** The `<Error>` document, built in this one place. */
export function errorXml(err: S3Error, requestId: string, hostId: string, resource: string): string {
  return writeXml({
    root: 'Error',
    namespace: false,
    body: {
      Code: err.code,
      Message: err.message,
      ...err.fields,
      Resource: xmlSafe(err.resource ?? resource),
      RequestId: requestId,
      HostId: hostId,
    },
  });
}

export function writeError(res: ServerResponse, err: S3Error, method: string, requestId: string, hostId: string, resource: string): void {
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  for (const name of res.getHeaderNames()) {
    if (name === 'x-amz-request-id' || name === 'x-amz-id-2' || name === 'server' || name === 'connection') continue;
    // CORS headers stay: a browser reads an error only when they are there.
    if (name.startsWith('access-control-') || name === 'vary') continue;
    res.removeHeader(name);
  }
  setHeaders(res, err.headers);
  res.statusCode = err.status;
  // HEAD and 304 carry no body (for HEAD the status is all a client gets).
  if (method === 'HEAD' || err.status === 304) {
    res.end();
    return;
  }
  const body = Buffer.from(errorXml(err, requestId, hostId, resource), 'utf8');
  res.setHeader('Content-Type', XML_TYPE);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
