/**
 * A small scripted browser for SSO tests: follows redirects by hand, keeps cookies per host, and
 * submits the HTML forms it lands on (the OpenID provider's login and consent pages).
 */
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

interface Cookie {
  value: string;
  path: string;
}

export class Browser {
  private readonly jar = new Map<string, Map<string, Cookie>>();
  /** Every URL requested, in order. */
  readonly visited: string[] = [];

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string, init: { method?: string; body?: string; contentType?: string; accept?: string } = {}): Promise<Page> {
    const u = new URL(url);
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8' };
    const cookies = [...(this.jar.get(u.host) ?? new Map<string, Cookie>()).entries()]
      .filter(([, c]) => u.pathname.startsWith(c.path))
      .map(([k, c]) => `${k}=${c.value}`);
    if (cookies.length > 0) headers.cookie = cookies.join('; ');
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/x-www-form-urlencoded';
    this.visited.push(url);
    const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    this.store(u, res.headers.getSetCookie());
    return { url, status: res.status, headers: res.headers, text: await res.text() };
  }

  /**
   * Follows redirects and submits forms (filling `login`/`password` fields from `fields`) until a
   * page that is neither a redirect nor a form, or until `stop(url)` says to stop before
   * requesting a URL (that URL is returned unrequested, with status 0).
   */
  async browse(start: Page, fields: Record<string, string>, stop?: (url: string) => boolean, maxSteps = 20): Promise<Page> {
    let page = start;
    for (let i = 0; i < maxSteps; i++) {
      if (page.status >= 300 && page.status < 400) {
        const next = new URL(page.headers.get('location')!, page.url).toString();
        if (stop?.(next)) return { url: next, status: 0, headers: new Headers(), text: '' };
        page = await this.request(next);
        continue;
      }
      const form = page.status === 200 ? parseForm(page.text) : null;
      if (!form) return page;
      const values = { ...form.fields };
      for (const [k, v] of Object.entries(fields)) if (k in values) values[k] = v;
      const action = new URL(form.action || page.url, page.url).toString();
      page = await this.request(action, { method: 'POST', body: new URLSearchParams(values).toString() });
    }
    throw new Error(`browse: more than ${maxSteps} steps; last page ${page.url} (${page.status})`);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name)?.value;
  }

  private store(u: URL, setCookies: string[]): void {
    const jar = this.jar.get(u.host) ?? new Map<string, Cookie>();
    this.jar.set(u.host, jar);
    for (const sc of setCookies) {
      const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      let path = '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k, v] = a.split('=');
        if (k.toLowerCase() === 'path' && v) path = v;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now()) expired = true;
      }
      if (expired) jar.delete(name);
      else jar.set(name, { value, path });
    }
  }
}

/** The first POST form of a page: its action and its inputs' names and values. */
export function parseForm(html: string): { action: string; fields: Record<string, string> } | null {
  const m = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!m || !/method=["']?post/i.test(m[1])) return null;
  const action = /action=["']([^"']*)["']/i.exec(m[1])?.[1]?.replace(/&amp;/g, '&') ?? '';
  const fields: Record<string, string> = {};
  for (const input of m[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = /name=["']([^"']+)["']/i.exec(input[1])?.[1];
    if (!name) continue;
    fields[name] = /value=["']([^"']*)["']/i.exec(input[1])?.[1]?.replace(/&amp;/g, '&') ?? '';
  }
  return { action, fields };
}
