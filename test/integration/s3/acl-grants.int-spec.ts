import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { UsersService } from '../../../src/iam/users.service';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

type Grants = { Grants?: Array<{ Grantee?: { ID?: string; URI?: string }; Permission?: string }> };
const list = (acl: Grants) => (acl.Grants ?? []).map((g) => [g.Grantee?.ID ?? g.Grantee?.URI, g.Permission]);

describe('ACL grants as S3 stores and lists them', () => {
  let server: TestServer;
  let users: UsersService;
  const clients: S3Client[] = [];
  const suffix = randomBytes(3).toString('hex');
  let owner: S3Client;
  let writer: S3Client;
  let ownerId: string;
  let writerId: string;
  let readerId: string;
  let bucket: string;

  beforeAll(async () => {
    server = await startServer();
    users = server.app.app.get(UsersService);
    await server.app.app.get(TenantsService).create(`acl-${suffix}`);
    ownerId = (await users.create({ username: `own-${suffix}`, tenant: `acl-${suffix}`, role: 'tenant-admin' })).id;
    writerId = (await users.create({ username: `wri-${suffix}`, tenant: `acl-${suffix}`, role: 'user' })).id;
    readerId = (
      await users.create({ username: `rea-${suffix}`, tenant: `acl-${suffix}`, role: 'user', email: `Reader-${suffix}@Example.com` })
    ).id;
    await users.create({ username: `twin1-${suffix}`, tenant: `acl-${suffix}`, email: `twin-${suffix}@example.com` });
    await users.create({ username: `twin2-${suffix}`, tenant: `acl-${suffix}`, email: `twin-${suffix}@example.com` });
    const client = async (name: string) => {
      const k = await users.createKey(name);
      const c = server.client({ credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretKey } });
      clients.push(c);
      return c;
    };
    owner = await client(`own-${suffix}`);
    writer = await client(`wri-${suffix}`);
    bucket = uniqueBucket('acl');
    await owner.send(new CreateBucketCommand({ Bucket: bucket }));
    await users.putPolicy(
      `wri-${suffix}`,
      'write',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` }],
      }),
    );
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.close();
  });

  it('lists the owner’s FULL_CONTROL first for canned ACLs', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
    expect(list(await owner.send(new GetBucketAclCommand({ Bucket: bucket })))).toEqual([
      [ownerId, 'FULL_CONTROL'],
      ['http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
    ]);
    await owner.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }));
    expect(list(await owner.send(new GetBucketAclCommand({ Bucket: bucket })))).toEqual([[ownerId, 'FULL_CONTROL']]);
  });

  it('gives bucket-owner-read / bucket-owner-full-control grants the bucket owner’s ID', async () => {
    await writer.send(new PutObjectCommand({ Bucket: bucket, Key: 'bor.txt', Body: 'x', ACL: 'bucket-owner-read' }));
    expect(list(await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'bor.txt' })))).toEqual([
      [writerId, 'FULL_CONTROL'],
      [ownerId, 'READ'],
    ]);
    await writer.send(new PutObjectCommand({ Bucket: bucket, Key: 'bofc.txt', Body: 'x', ACL: 'bucket-owner-full-control' }));
    expect(list(await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'bofc.txt' })))).toEqual([
      [writerId, 'FULL_CONTROL'],
      [ownerId, 'FULL_CONTROL'],
    ]);
  });

  it('stores exactly the grants of x-amz-grant-* headers, the owner’s included only when listed', async () => {
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: 'g.txt', Body: 'x' }));
    await owner.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'g.txt', GrantRead: `id="${readerId}"` }));
    expect(list(await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'g.txt' })))).toEqual([[readerId, 'READ']]);
    await owner.send(new PutBucketAclCommand({ Bucket: bucket, GrantFullControl: `id="${ownerId}"`, GrantWrite: `id="${writerId}"` }));
    expect(list(await owner.send(new GetBucketAclCommand({ Bucket: bucket })))).toEqual([
      [writerId, 'WRITE'],
      [ownerId, 'FULL_CONTROL'],
    ]);
    // On create too.
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: 'g2.txt', Body: 'x', GrantReadACP: `id="${readerId}"` }));
    expect(list(await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'g2.txt' })))).toEqual([[readerId, 'READ_ACP']]);
  });

  it('resolves an emailAddress grantee to the user with that email (header and XML body)', async () => {
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: 'mail.txt', Body: 'for the reader' }));
    await owner.send(
      new PutObjectAclCommand({ Bucket: bucket, Key: 'mail.txt', GrantRead: `emailAddress="reader-${suffix}@example.com"` }),
    );
    const acl = await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'mail.txt' }));
    expect(list(acl)).toEqual([[readerId, 'READ']]);
    expect(acl.Grants?.[0].Grantee?.DisplayName).toBe(`rea-${suffix}`);
    const k = await users.createKey(`rea-${suffix}`);
    const reader = server.client({ credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretKey } });
    clients.push(reader);
    expect(await (await reader.send(new GetObjectCommand({ Bucket: bucket, Key: 'mail.txt' }))).Body!.transformToString()).toBe(
      'for the reader',
    );

    await owner.send(
      new PutObjectAclCommand({
        Bucket: bucket,
        Key: 'mail.txt',
        AccessControlPolicy: {
          Owner: { ID: ownerId },
          Grants: [
            { Grantee: { Type: 'AmazonCustomerByEmail', EmailAddress: `reader-${suffix}@example.com` }, Permission: 'WRITE_ACP' },
            { Grantee: { Type: 'CanonicalUser', ID: ownerId }, Permission: 'FULL_CONTROL' },
          ],
        },
      }),
    );
    expect(list(await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'mail.txt' })))).toEqual([
      [readerId, 'WRITE_ACP'],
      [ownerId, 'FULL_CONTROL'],
    ]);
  });

  it('refuses a grant to an unknown user id or email, and an email shared by two users', async () => {
    await expect(
      owner.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'g.txt', GrantRead: 'id="0123456789abcdef-no-such-user"' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', message: 'Invalid id', $metadata: { httpStatusCode: 400 } });
    await expect(
      owner.send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'x', GrantRead: 'id="no-such-user"' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    await expect(owner.send(new GetObjectCommand({ Bucket: bucket, Key: 'new.txt' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(
      owner.send(new PutBucketAclCommand({ Bucket: bucket, GrantRead: `emailAddress="nobody-${suffix}@example.com"` })),
    ).rejects.toMatchObject({ name: 'UnresolvableGrantByEmailAddress', $metadata: { httpStatusCode: 400 } });
    await expect(
      owner.send(new PutBucketAclCommand({ Bucket: bucket, GrantRead: `emailAddress="twin-${suffix}@example.com"` })),
    ).rejects.toMatchObject({ name: 'AmbiguousGrantByEmailAddress', $metadata: { httpStatusCode: 400 } });
    // The refused requests changed nothing.
    expect(list(await owner.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'g.txt' })))).toEqual([[readerId, 'READ']]);
  });
});
