import { connect, Socket } from 'node:net';
import { formatAmzDate } from '../../src/s3/auth/sigv4/amz-date';
import { signV4Header } from '../../src/s3/auth/sigv4/sign';
import type { TestServer } from './start-server';

/** A request written by hand on a plain socket, for clients that misbehave on purpose (trickle, stall, vanish). */
export interface RawSocket {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with everything the server sent once it closes the connection. */
  closed: Promise<string>;
  /** The status of the server's answer ('' until one arrived). */
  status(): number;
}

export function openSocket(server: TestServer): Promise<RawSocket> {
  const url = new URL(server.endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const closed = new Promise<string>((r) => socket.on('close', () => r(text)));
    socket.once('error', () => undefined);
    socket.once('connect', () =>
      resolve({ socket, received: () => text, closed, status: () => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0) }),
    );
    socket.once('error', reject);
  });
}

/** The head of a SigV4-signed request with an unsigned payload of `contentLength` bytes. */
export function signedHead(server: TestServer, method: string, path: string, contentLength: number): string {
  const url = new URL(server.endpoint);
  const amzDate = formatAmzDate(Date.now());
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  headers.authorization = signV4Header({
    method,
    rawPath: path,
    query: [],
    headers,
    accessKeyId: server.accessKey,
    secretKey: server.secretKey,
    region: server.region,
    amzDate,
    payloadHash: 'UNSIGNED-PAYLOAD',
  }).authorization;
  headers['content-length'] = String(contentLength);
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}
