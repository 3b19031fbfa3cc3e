import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/**
 * Where clients reach the S3 API, for URLs the server hands out (presigned URLs): S3_PUBLIC_URL
 * when set; otherwise the host name the client used to reach the console, with the S3 port the
 * server actually listens on (known once it listens: createApp reports it).
 */
@Injectable()
export class S3Endpoint {
  private listening?: URL;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Called by createApp once the S3 port listens. */
  setListening(url: string): void {
    this.listening = new URL(url);
  }

  /** The base URL (no trailing slash) for a client that reached the console at `clientHost` (a Host header). */
  baseUrl(clientHost?: string): string {
    if (this.config.publicUrl) return this.config.publicUrl;
    const port = this.listening?.port || String(this.config.s3Port);
    let hostname = this.listening?.hostname ?? '127.0.0.1';
    if (clientHost) {
      try {
        hostname = new URL(`http://${clientHost}`).hostname.replace(/^\[|\]$/g, '');
      } catch {
        // a malformed Host header: keep the listening address
      }
    }
    // The server itself speaks plain HTTP; behind a TLS proxy, S3_PUBLIC_URL says so.
    return `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  }
}
