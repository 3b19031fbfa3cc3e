import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { UsersService } from '../../../src/iam/users.service';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('ownership controls and public access block', () => {
  let server: TestServer;
  let alice: S3Client; // tenant-admin of tenant A, owns the buckets
  let ann: S3Client; // another tenant-admin of tenant A (full access by its role), writes into alice's buckets
  const clients: S3Client[] = [];
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    server = await startServer();
    const users = server.app.app.get(UsersService);
    await server.app.app.get(TenantsService).create(`oc-${suffix}`);
    await users.create({ username: `alice-${suffix}`, tenant: `oc-${suffix}`, role: 'tenant-admin' });
    await users.create({ username: `ann-${suffix}`, tenant: `oc-${suffix}`, role: 'tenant-admin' });
    for (const name of ['alice', 'ann']) {
      const key = await users.createKey(`${name}-${suffix}`);
      clients.push(server.client({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretKey } }));
    }
    [alice, ann] = clients;
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.close();
  });

  it('stores, reads and deletes ownership controls (and takes x-amz-object-ownership on CreateBucket)', async () => {
    const bucket = uniqueBucket('own');
    await alice.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerPreferred' }));
    const got = await alice.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    expect(got.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerPreferred' }]);
    await alice.send(
      new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }),
    );
    expect((await alice.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules).toEqual([
      { ObjectOwnership: 'ObjectWriter' },
    ]);
    await alice.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket }));
    await expect(alice.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'OwnershipControlsNotFoundError',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('BucketOwnerEnforced: ACLs are disabled (AccessControlListNotSupported) and the bucket owner owns every object', async () => {
    const bucket = uniqueBucket('enforced');
    await alice.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerEnforced' }));
    const refused = { name: 'AccessControlListNotSupported', $metadata: { httpStatusCode: 400 } };
    await expect(alice.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }))).rejects.toMatchObject(refused);
    await expect(alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'p', Body: 'x', ACL: 'public-read' }))).rejects.toMatchObject(
      refused,
    );
    // bucket-owner-full-control is what S3 still accepts.
    await ann.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-ann', Body: 'x', ACL: 'bucket-owner-full-control' }));
    await ann.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' }));
    await expect(alice.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'plain', ACL: 'public-read' }))).rejects.toMatchObject(refused);
    for (const Key of ['by-ann', 'plain']) {
      const acl = await alice.send(new GetObjectAclCommand({ Bucket: bucket, Key }));
      expect(acl.Owner?.DisplayName).toBe(`alice-${suffix}`);
      expect(acl.Grants?.map((g) => [g.Grantee?.DisplayName, g.Permission])).toEqual([[`alice-${suffix}`, 'FULL_CONTROL']]);
    }
    // A bucket with a public ACL cannot switch to BucketOwnerEnforced; nor can CreateBucket combine them.
    const open = uniqueBucket('open');
    await alice.send(new CreateBucketCommand({ Bucket: open, ACL: 'public-read' }));
    await expect(
      alice.send(
        new PutBucketOwnershipControlsCommand({ Bucket: open, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidBucketAclWithObjectOwnership', $metadata: { httpStatusCode: 400 } });
    await expect(
      alice.send(new CreateBucketCommand({ Bucket: uniqueBucket('bad'), ACL: 'public-read', ObjectOwnership: 'BucketOwnerEnforced' })),
    ).rejects.toMatchObject({ name: 'InvalidBucketAclWithObjectOwnership' });
    // Enforcing ownership on a bucket with a public-read object ACL stops that ACL from granting anything.
    await alice.send(new PutObjectCommand({ Bucket: open, Key: 'pub', Body: 'x', ACL: 'public-read' }));
    expect((await fetch(`${server.endpoint}/${open}/pub`)).status).toBe(200);
    await alice.send(new PutBucketAclCommand({ Bucket: open, ACL: 'private' }));
    await alice.send(
      new PutBucketOwnershipControlsCommand({ Bucket: open, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
    );
    expect((await fetch(`${server.endpoint}/${open}/pub`)).status).toBe(403);
  });

  it('BucketOwnerPreferred: an object written with bucket-owner-full-control belongs to the bucket owner', async () => {
    const bucket = uniqueBucket('preferred');
    await alice.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerPreferred' }));
    await ann.send(new PutObjectCommand({ Bucket: bucket, Key: 'given', Body: 'x', ACL: 'bucket-owner-full-control' }));
    await ann.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept', Body: 'x' }));
    expect((await alice.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'given' }))).Owner?.DisplayName).toBe(`alice-${suffix}`);
    expect((await alice.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'kept' }))).Owner?.DisplayName).toBe(`ann-${suffix}`);
  });

  it('stores the public access block; BlockPublicAcls and BlockPublicPolicy refuse, IgnorePublicAcls and RestrictPublicBuckets neutralize', async () => {
    const bucket = uniqueBucket('pab');
    await alice.send(new CreateBucketCommand({ Bucket: bucket }));
    await expect(alice.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
      $metadata: { httpStatusCode: 404 },
    });
    // Public before the block: ACL and policy both open the object to anonymous readers.
    await alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'acl-open', Body: 'a', ACL: 'public-read' }));
    await alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'policy-open/x', Body: 'b' }));
    const publicPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/policy-open/*` }],
    });
    await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy }));
    expect((await fetch(`${server.endpoint}/${bucket}/acl-open`)).status).toBe(200);
    expect((await fetch(`${server.endpoint}/${bucket}/policy-open/x`)).status).toBe(200);

    await alice.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    expect((await alice.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect((await fetch(`${server.endpoint}/${bucket}/acl-open`)).status).toBe(403);
    expect((await fetch(`${server.endpoint}/${bucket}/policy-open/x`)).status).toBe(403);
    // The bucket's own tenant is not affected.
    expect((await ann.send(new PutObjectCommand({ Bucket: bucket, Key: 'ann.txt', Body: 'x' }))).$metadata.httpStatusCode).toBe(200);
    const denied = { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } };
    await expect(alice.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }))).rejects.toMatchObject(denied);
    await expect(
      alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'new', Body: 'x', ACL: 'public-read-write' })),
    ).rejects.toMatchObject(denied);
    await expect(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy }))).rejects.toMatchObject(denied);
    // A private ACL is still fine.
    await alice.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'acl-open', ACL: 'private' }));

    await alice.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    expect((await fetch(`${server.endpoint}/${bucket}/policy-open/x`)).status).toBe(200);
  });

  it('GetBucketPolicyStatus reports a bucket made public by its ACL', async () => {
    const bucket = uniqueBucket('status');
    await alice.send(new CreateBucketCommand({ Bucket: bucket, ACL: 'public-read' }));
    expect((await alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(true);
    await alice.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }));
    await expect(alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchBucketPolicy' });
    const acl = await alice.send(new GetBucketAclCommand({ Bucket: bucket }));
    expect(acl.Grants?.length).toBe(1);
  });
});
