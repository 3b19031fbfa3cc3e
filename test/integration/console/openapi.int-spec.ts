import { ConsoleClient } from '../../support/console-client';
import { startServer, TestServer } from '../../support/start-server';

/** The OpenAPI document is generated from the controllers; Swagger UI serves it. */
describe('console OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('lists the console routes with their methods, and bearer authentication', async () => {
    const res = await new ConsoleClient(server.consoleUrl).get('openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const expected: Array<[string, string]> = [
      ['post', '/api/v1/auth/login'],
      ['post', '/api/v1/auth/logout'],
      ['post', '/api/v1/auth/refresh'],
      ['get', '/api/v1/auth/me'],
      ['post', '/api/v1/auth/2fa/setup'],
      ['post', '/api/v1/auth/2fa/verify'],
      ['post', '/api/v1/auth/2fa/validate'],
      ['post', '/api/v1/auth/2fa/disable'],
      ['get', '/api/v1/auth/2fa/backup-codes'],
      ['post', '/api/v1/auth/2fa/backup-codes'],
      ['get', '/api/v1/users'],
      ['post', '/api/v1/users'],
      ['get', '/api/v1/users/{id}'],
      ['put', '/api/v1/users/{id}'],
      ['delete', '/api/v1/users/{id}'],
      ['put', '/api/v1/users/{id}/password'],
      ['patch', '/api/v1/users/{id}/status'],
      ['post', '/api/v1/users/{id}/unlock'],
      ['get', '/api/v1/access-keys'],
      ['get', '/api/v1/access-keys/user/{userId}'],
      ['post', '/api/v1/access-keys'],
      ['delete', '/api/v1/access-keys/{id}'],
      ['get', '/api/v1/users/{user}/access-keys'],
      ['post', '/api/v1/users/{user}/access-keys'],
      ['get', '/api/v1/users/{user}/policies'],
      ['post', '/api/v1/users/{user}/policies'],
      ['get', '/api/v1/users/{user}/policies/{name}'],
      ['put', '/api/v1/users/{user}/policies/{name}'],
      ['delete', '/api/v1/users/{user}/policies/{name}'],
      ['get', '/api/v1/tenants'],
      ['post', '/api/v1/tenants'],
      ['get', '/api/v1/tenants/{id}'],
      ['put', '/api/v1/tenants/{id}'],
      ['delete', '/api/v1/tenants/{id}'],
      ['get', '/api/v1/tenants/{id}/stats'],
      ['get', '/api/v1/audit-logs'],
      ['get', '/api/v1/audit-logs/{id}'],
      ['get', '/api/v1/version'],
      ['get', '/api/v1/info'],
      ['get', '/api/v1/health'],
    ];
    for (const [method, path] of expected) {
      expect(doc.paths[path]?.[method]).toBeDefined();
    }
    // DTOs are described: the login body names its fields.
    const login = doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.$ref.split('/').pop();
    expect(Object.keys(doc.components.schemas[login].properties)).toEqual(expect.arrayContaining(['username', 'password', 'totp_code']));
  });

  it('describes the bearer header in a code span, so Swagger UI (Markdown, raw HTML dropped) shows <token>', async () => {
    const doc = (await new ConsoleClient(server.consoleUrl).get('openapi.json')).body;
    const description: string = doc.info.description;
    expect(description).toContain('`Authorization: Bearer <token>`');
    // Outside code spans there is nothing the renderer would take for an HTML tag.
    expect(description.replace(/`[^`]*`/g, '')).not.toMatch(/<[A-Za-z/!]/);
  });

  it('serves Swagger UI', async () => {
    const res = await fetch(`${server.consoleUrl}/api/v1/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });
});
