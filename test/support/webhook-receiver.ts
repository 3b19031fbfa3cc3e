import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * A local HTTP endpoint that records every POST (a webhook target of the bucket notification tests).
 * stop() closes it (connections refused, as a target that is down); start() listens again on the
 * same port. `status` is what it answers (e.g. 500 for a target that refuses every message).
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  status = 200;
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (this.status >= 200 && this.status < 300) {
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          this.received.push({ headers: req.headers, body, json });
        }
        res.statusCode = this.status;
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The records received so far (each message's Records, flattened). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  records(): any[] {
    return this.received.flatMap((r) => r.json?.Records ?? []);
  }
}
