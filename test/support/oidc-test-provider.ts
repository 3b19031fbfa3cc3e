import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface OidcTestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /** Lifetime of this client's ID tokens, in seconds (default 3600). */
  id_token_ttl?: number;
}

export interface OidcTestAccount {
  preferred_username: string;
  email?: string;
  email_verified?: boolean;
  groups?: string[];
}

export interface OidcTestProvider {
  issuer: string;
  /** Test controls of the provider script (see oidc-provider.mjs). */
  control(body?: {
    tamper?: { aud?: string; key?: 'rotated' | 'unknown' } | null;
    rotate?: boolean;
  }): Promise<{ jwks_requests: number; token_requests: number }>;
  stop(): Promise<void>;
  output(): string;
}

/** Starts test/support/oidc-provider.mjs (a real `oidc-provider`, ESM-only, so in a child process) and waits for its port. */
export async function startOidcProvider(config: {
  clients: OidcTestClient[];
  accounts: Record<string, OidcTestAccount>;
}): Promise<OidcTestProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs'), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`oidc-provider did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /OIDC_PROVIDER_PORT=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`oidc-provider exited with ${code}:\n${out}`));
    });
  });
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    async control(body) {
      const res = await fetch(`${issuer}/__control`, body ? { method: 'POST', body: JSON.stringify(body) } : {});
      return (await res.json()) as { jwks_requests: number; token_requests: number };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
    output: () => out,
  };
}
