import { randomBytes } from 'node:crypto';
import {
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture, TEST_PASSWORD } from '../../support/console-client';
import { download, upload } from '../../support/console-storage';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** Bucket configuration routes: permissions, versioning, lifecycle, CORS, ACL, policy, tagging, notifications, object lock. */
describe('console bucket configuration', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let s3: S3Client;
  let a: TenantFixture;
  let b: TenantFixture;
  let limited: ConsoleClient;
  let limitedId: string;
  const suffix = randomBytes(3).toString('hex');
  const bucket = uniqueBucket('cfg');
  const cfg = (sub: string) => `buckets/${bucket}/${sub}`;

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    s3 = server.client();
    a = await createTenantFixture(root, `cfa-${suffix}`);
    b = await createTenantFixture(root, `cfb-${suffix}`);
    expect((await a.admin.post('buckets', { name: bucket })).status).toBe(201);
    // A user with an identity policy that gives nothing on the bucket: only ACL grants can.
    const name = `limited-${suffix}`;
    limitedId = (await a.admin.post('users', { username: name, password: TEST_PASSWORD })).body.data.id;
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: ['arn:aws:s3:::nothing-here'] }],
    };
    await a.admin.post(`users/${name}/policies`, { policy: { name: 'nothing', ...doc } });
    limited = await root.login(name, TEST_PASSWORD);
  });
  afterAll(() => server.close());

  it('permissions: grants read/write to a user of the tenant, which S3 authorization honours', async () => {
    await upload(a.admin, bucket, 'perm.txt', 'data');
    expect((await limited.get(`buckets/${bucket}/objects`)).status).toBe(403);
    const add = await a.admin.post(cfg('permissions'), { user_id: limitedId, permission: 'read' });
    expect(add.status).toBe(201);
    expect(add.body.data).toMatchObject({
      user_id: limitedId,
      username: `limited-${suffix}`,
      permission: 'read',
      acl_permissions: ['READ'],
    });
    expect((await limited.get(`buckets/${bucket}/objects`)).status).toBe(200);
    expect((await upload(limited, bucket, 'x.txt', 'x')).status).toBe(403);
    expect((await a.admin.post(cfg('permissions'), { user_id: limitedId, permission: 'write' })).status).toBe(409);
    const upd = await a.admin.put(cfg(`permissions/${limitedId}`), { permission: 'write' });
    expect(upd.body.data).toMatchObject({ permission: 'write', acl_permissions: ['READ', 'WRITE'] });
    expect((await upload(limited, bucket, 'x.txt', 'x')).status).toBe(200);
    const list = await a.admin.get(cfg('permissions'));
    expect(list.body.data).toEqual([expect.objectContaining({ id: limitedId, permission: 'write' })]);
    expect(list.body.permissions).toEqual(list.body.data);
    expect((await a.admin.delete(cfg(`permissions/limited-${suffix}`))).status).toBe(204);
    expect((await upload(limited, bucket, 'y.txt', 'y')).status).toBe(403);
    expect((await a.admin.delete(cfg(`permissions/${limitedId}`))).status).toBe(404);
  });

  it('permissions: 400 for a bad level or a user of another tenant, 403 for a user without PutBucketAcl', async () => {
    const bad = await a.admin.post(cfg('permissions'), { user_id: limitedId, permission: 'everything' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.permission).toBeDefined();
    const foreign = await a.admin.post(cfg('permissions'), { user_id: b.userId, permission: 'read' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.fields.user_id[0]).toMatch(/tenant/);
    expect((await a.admin.post(cfg('permissions'), { permission: 'read' })).body.fields.user_id).toBeDefined();
    expect((await limited.post(cfg('permissions'), { user_id: limitedId, permission: 'full_control' })).status).toBe(403);
    expect((await b.admin.get(cfg('permissions'))).status).toBe(403);
    expect((await a.admin.get(`buckets/${uniqueBucket('none')}/permissions`)).status).toBe(404);
  });

  it('versioning: GET/PUT, 400 without a status', async () => {
    expect((await a.user.get(cfg('versioning'))).body.data).toEqual({ status: null, enabled: false, mfa_delete: 'Disabled' });
    expect((await a.user.put(cfg('versioning'), { status: 'Enabled' })).body.data).toMatchObject({ status: 'Enabled', enabled: true });
    expect((await a.user.put(cfg('versioning'), { enabled: false })).body.data.status).toBe('Suspended');
    const bad = await a.user.put(cfg('versioning'), {});
    expect(bad.status).toBe(400);
    expect(bad.body.fields.status).toBeDefined();
    expect((await a.user.put(cfg('versioning'), { status: 'Off' })).body.fields.status).toBeDefined();
    expect((await b.user.put(cfg('versioning'), { status: 'Enabled' })).status).toBe(403);
  });

  it('lifecycle: JSON with the S3 field names, shared with the S3 API; 404 when none', async () => {
    expect((await a.user.get(cfg('lifecycle'))).status).toBe(404);
    const rules = {
      Rules: [
        { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } },
        {
          Status: 'Enabled',
          Filter: { And: { Prefix: 'tmp/', ObjectSizeGreaterThan: 10 } },
          NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        },
        {
          ID: 'tags',
          Status: 'Disabled',
          Filter: { And: { Prefix: 'x/', Tags: [{ Key: 'k', Value: 'v' }] } },
          Expiration: { Date: '2030-01-01T00:00:00.000Z' },
        },
        { ID: 'mpu', Status: 'Enabled', Filter: { Prefix: 'up/' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
      ],
    };
    const put = await a.user.put(cfg('lifecycle'), rules);
    expect(put.status).toBe(200);
    expect(put.body.data.Rules[0]).toEqual({ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } });
    expect(put.body.data.Rules[1].ID).toEqual(expect.any(String));
    expect((await a.user.get(cfg('lifecycle'))).body.data).toEqual(put.body.data);
    const viaS3 = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(viaS3.Rules?.[0]).toMatchObject({ ID: 'logs', Expiration: { Days: 30 } });
    const bad = await a.user.put(cfg('lifecycle'), { Rules: [{ Status: 'Sometimes' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields['Rules.0.Status']).toBeDefined();
    const badDays = await a.user.put(cfg('lifecycle'), { Rules: [{ Status: 'Enabled', Expiration: { Days: 0 } }] });
    expect(badDays.body.fields['Rules.0.Expiration.Days']).toBeDefined();
    const domain = await a.user.put(cfg('lifecycle'), {
      Rules: [{ Status: 'Enabled', Filter: { Tag: { Key: 'k', Value: 'v' } }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
    });
    expect(domain.status).toBe(400); // the service's check, as S3 answers it
    expect(domain.body.message).toMatch(/Tags/);
    expect((await a.user.delete(cfg('lifecycle'))).status).toBe(204);
    expect((await a.user.get(cfg('lifecycle'))).status).toBe(404);
  });

  it('CORS: PUT/GET/DELETE with the S3 field names', async () => {
    const put = await a.user.put(cfg('cors'), {
      CORSRules: [{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET', 'PUT'], MaxAgeSeconds: 600 }],
    });
    expect(put.status).toBe(200);
    expect(put.body.data.CORSRules[0]).toMatchObject({
      AllowedOrigins: ['https://app.example'],
      AllowedMethods: ['GET', 'PUT'],
      MaxAgeSeconds: 600,
    });
    expect((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules?.[0].AllowedOrigins).toEqual(['https://app.example']);
    const bad = await a.user.put(cfg('cors'), { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] });
    expect(bad.status).toBe(400);
    expect(
      (await a.user.put(cfg('cors'), { CORSRules: [{ AllowedMethods: ['GET'] }] })).body.fields['CORSRules.0.AllowedOrigins'],
    ).toBeDefined();
    expect((await a.user.delete(cfg('cors'))).status).toBe(204);
    expect((await a.user.get(cfg('cors'))).status).toBe(404);
  });

  it('ACL: canned or explicit grants; 400 for both or neither', async () => {
    const get = await a.user.get(cfg('acl'));
    expect(get.body.data).toEqual({
      owner: { id: a.adminId, display_name: a.adminName },
      grants: [{ grantee: { type: 'CanonicalUser', id: a.adminId, display_name: a.adminName }, permission: 'FULL_CONTROL' }],
    });
    const put = await a.admin.put(cfg('acl'), {
      grants: [
        { grantee: { type: 'CanonicalUser', id: a.adminId }, permission: 'FULL_CONTROL' },
        { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, permission: 'READ' },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.data.grants).toHaveLength(2);
    expect((await a.admin.put(cfg('acl'), { acl: 'private', grants: [] })).body.fields.acl).toBeDefined();
    const badGroup = await a.admin.put(cfg('acl'), { grants: [{ grantee: { type: 'Group', uri: 'http://nope' }, permission: 'READ' }] });
    expect(badGroup.status).toBe(400);
    expect(badGroup.body.fields['grants.0.grantee.uri']).toBeDefined();
    // A grant to a user that does not exist is refused, as on the S3 port.
    const unknown = await a.admin.put(cfg('acl'), {
      grants: [{ grantee: { type: 'CanonicalUser', id: 'no-such-user' }, permission: 'READ' }],
    });
    expect(unknown.status).toBe(400);
    expect((await a.admin.get(cfg('acl'))).body.data.grants).toHaveLength(2);
    expect((await a.admin.put(cfg('acl'), { acl: 'private' })).body.data.grants).toHaveLength(1);
  });

  it('policy: Strix shapes, validated like PutBucketPolicy, effective on the S3 port', async () => {
    expect((await a.user.get(cfg('policy'))).status).toBe(404);
    await upload(a.admin, bucket, 'public/readme.txt', 'hello world');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/public/*`] },
      ],
    };
    const put = await a.user.put(cfg('policy'), policy);
    expect(put.status).toBe(200);
    const get = await a.user.get(cfg('policy'));
    expect(get.body.policy).toEqual(policy);
    expect(get.body.data.policy).toEqual(policy);
    expect(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!)).toEqual(policy);
    // Anonymous read on the S3 port, as the policy says.
    expect((await fetch(`${server.endpoint}/${bucket}/public/readme.txt`)).status).toBe(200);
    expect((await a.user.get(`buckets/${bucket}`)).body.data.is_public).toBe(true);
    const wrapped = await a.user.put(cfg('policy'), { policy });
    expect(wrapped.status).toBe(200);
    const bad = await a.user.put(cfg('policy'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObjekt'], Resource: [`arn:aws:s3:::${bucket}/*`] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'MalformedPolicy' });
    expect(bad.body.message).toMatch(/action/i);
    const otherBucket = await a.user.put(cfg('policy'), {
      ...policy,
      Statement: [{ ...policy.Statement[0], Resource: ['arn:aws:s3:::elsewhere/*'] }],
    });
    expect(otherBucket.status).toBe(400);
    expect((await b.admin.get(cfg('policy'))).status).toBe(403);
    expect((await a.user.delete(cfg('policy'))).status).toBe(204);
    expect((await fetch(`${server.endpoint}/${bucket}/public/readme.txt`)).status).toBe(403);
  });

  it('tagging: TagSet or tags; S3 limits; 404 when none', async () => {
    expect((await a.user.get(cfg('tagging'))).status).toBe(404);
    const put = await a.user.put(cfg('tagging'), { TagSet: [{ Key: 'env', Value: 'prod' }] });
    expect(put.body.data).toEqual({ TagSet: [{ Key: 'env', Value: 'prod' }], tags: { env: 'prod' } });
    expect((await a.user.put(cfg('tagging'), { tags: { team: 'blue', env: 'dev' } })).body.data.tags).toEqual({ team: 'blue', env: 'dev' });
    expect((await a.user.get(cfg('tagging'))).body.data.TagSet).toHaveLength(2);
    const tooMany = await a.user.put(cfg('tagging'), { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) });
    expect(tooMany.status).toBe(400);
    expect((await a.user.put(cfg('tagging'), {})).body.fields.TagSet).toBeDefined();
    expect((await a.user.delete(cfg('tagging'))).status).toBe(204);
    expect((await a.user.get(cfg('tagging'))).status).toBe(404);
  });

  it('notifications: console targets stored, validated, and shared with the S3 API', async () => {
    expect((await a.user.get(cfg('notifications'))).body.data).toEqual({ rules: [], delivery_enabled: true });
    const body = {
      rules: [
        {
          id: 'hook',
          target: { type: 'webhook', url: 'https://hooks.example/s3', headers: { Authorization: 'Bearer t' } },
          events: ['s3:ObjectCreated:*'],
          filter: { prefix: 'img/', suffix: '.png' },
        },
        {
          id: 'queue',
          target: { type: 'rabbitmq', url: 'amqp://mq.example:5672', exchange: 'ex', routing_key: 'rk' },
          events: ['s3:ObjectRemoved:*'],
        },
        { target: { type: 'redis', url: 'redis://cache:6379', channel: 'events' }, events: ['s3:ObjectCreated:Put'] },
        { id: 'mqtt', target: { type: 'mqtt', url: 'mqtt://broker:1883', topic: 't', qos: 1 }, events: ['s3:ObjectTagging:*'] },
        { id: 'nats', target: { type: 'nats', url: 'nats://nats:4222', subject: 's3.events' }, events: ['s3:ObjectAcl:Put'] },
      ],
    };
    const put = await a.user.put(cfg('notifications'), body);
    expect(put.status).toBe(200);
    expect(put.body.data.rules).toHaveLength(5);
    expect(put.body.data.rules[1]).toEqual({
      id: 'queue',
      target: { type: 'rabbitmq', url: 'amqp://mq.example:5672', exchange: 'ex', routing_key: 'rk' },
      events: ['s3:ObjectRemoved:*'],
    });
    expect(put.body.data.rules[2].id).toEqual(expect.any(String));

    const viaS3 = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(viaS3.QueueConfigurations).toHaveLength(5);
    expect(viaS3.QueueConfigurations?.[0]).toMatchObject({
      Id: 'hook',
      QueueArn: 'arn:objectstore:sqs::hook:webhook',
      Events: ['s3:ObjectCreated:*'],
    });
    expect(viaS3.QueueConfigurations?.[0].Filter?.Key?.FilterRules).toEqual([
      { Name: 'prefix', Value: 'img/' },
      { Name: 'suffix', Value: '.png' },
    ]);

    for (const [rule, field] of [
      [{ target: { type: 'webhook', url: 'ftp://x' }, events: ['s3:ObjectCreated:*'] }, null],
      [{ target: { type: 'redis', url: 'redis://x' }, events: ['s3:ObjectCreated:*'] }, null],
      [{ target: { type: 'webhook', url: 'https://x' }, events: ['s3:Everything'] }, 'rules.0.events'],
      [{ target: { type: 'carrier-pigeon' }, events: ['s3:ObjectCreated:*'] }, 'rules.0.target.type'],
      [{ target: { type: 'webhook', url: 'https://x' }, events: [] }, 'rules.0.events'],
    ] as Array<[unknown, string | null]>) {
      const res = await a.user.put(cfg('notifications'), { rules: [rule] });
      expect(res.status).toBe(400);
      if (field) expect(res.body.fields[field]).toBeDefined();
    }
    const overlap = await a.user.put(cfg('notifications'), {
      rules: [
        { id: 'x', target: { type: 'webhook', url: 'https://x' }, events: ['s3:ObjectCreated:*'] },
        { id: 'y', target: { type: 'webhook', url: 'https://x' }, events: ['s3:ObjectCreated:Put'] },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.message).toMatch(/overlap/);

    // S3 PUT: ARNs of the S3 API; a synthetic ARN given back keeps the console target.
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: 'hook', QueueArn: 'arn:objectstore:sqs::hook:webhook', Events: ['s3:ObjectCreated:*'] }],
          TopicConfigurations: [{ Id: 'sns', TopicArn: 'arn:aws:sns:us-east-1:123456789012:topic', Events: ['s3:ObjectRemoved:Delete'] }],
        },
      }),
    );
    const after = (await a.user.get(cfg('notifications'))).body.data.rules;
    expect(after).toEqual([
      { id: 'sns', target: { type: 'topic', arn: 'arn:aws:sns:us-east-1:123456789012:topic' }, events: ['s3:ObjectRemoved:Delete'] },
      {
        id: 'hook',
        target: { type: 'webhook', url: 'https://hooks.example/s3', headers: { Authorization: 'Bearer t' } },
        events: ['s3:ObjectCreated:*'],
      },
    ]);
    await expect(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:1:q', Events: ['s3:Nope' as never] }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: {} }));
    expect((await a.user.get(cfg('notifications'))).body.data.rules).toEqual([]);
    await a.user.put(cfg('notifications'), body);
    expect((await a.user.delete(cfg('notifications'))).status).toBe(204);
    expect((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }))).QueueConfigurations ?? []).toEqual([]);
    expect((await b.user.get(cfg('notifications'))).status).toBe(403);
  });

  it('object lock: needs versioning; default retention applies to new versions', async () => {
    const lb = uniqueBucket('lock');
    await a.admin.post('buckets', { name: lb });
    expect((await a.admin.get(`buckets/${lb}/object-lock`)).body.data).toMatchObject({ enabled: false });
    const refused = await a.admin.put(`buckets/${lb}/object-lock`, { enabled: true });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('InvalidBucketState');
    await a.admin.put(`buckets/${lb}/versioning`, { status: 'Enabled' });
    const on = await a.admin.put(`buckets/${lb}/object-lock`, { enabled: true, mode: 'GOVERNANCE', days: 1 });
    expect(on.status).toBe(200);
    expect(on.body.data).toMatchObject({ enabled: true, mode: 'GOVERNANCE', days: 1, default_retention: { mode: 'GOVERNANCE', days: 1 } });
    const v = (await upload(a.admin, lb, 'locked.txt', 'x')).body.data.version_id;
    const versions = await a.admin.get(`buckets/${lb}/objects/locked.txt/versions`);
    expect(versions.body.data.versions[0].retention).toMatchObject({ mode: 'GOVERNANCE' });
    expect((await a.admin.delete(`buckets/${lb}/objects/locked.txt?versionId=${v}`)).status).toBe(403);
    expect((await a.admin.put(`buckets/${lb}/object-lock`, { mode: 'GOVERNANCE' })).body.fields.days).toBeDefined();
    expect((await a.admin.put(`buckets/${lb}/object-lock`, { days: 3 })).body.fields.mode).toBeDefined();
    expect((await a.admin.put(`buckets/${lb}/object-lock`, { enabled: false })).body.fields.enabled).toBeDefined();
    expect((await a.admin.put(`buckets/${lb}/versioning`, { status: 'Suspended' })).status).toBe(409);
    expect((await a.admin.put(`buckets/${lb}/object-lock`, { enabled: true })).body.data).toMatchObject({
      enabled: true,
      default_retention: null,
    });
    expect((await b.admin.get(`buckets/${lb}/object-lock`)).status).toBe(403);
    expect((await download(a.admin, lb, 'locked.txt')).bytes.toString()).toBe('x');
  });
});
