import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { UsersService } from '../../../src/iam/users.service';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { ConsoleClient } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('account-level (tenant) public access block', () => {
  let server: TestServer;
  let alice: S3Client;
  let root: ConsoleClient;
  const suffix = randomBytes(3).toString('hex');
  const tenant = `apab-${suffix}`;

  beforeAll(async () => {
    server = await startServer();
    const users = server.app.app.get(UsersService);
    await server.app.app.get(TenantsService).create(tenant);
    await users.create({ username: `alice-${suffix}`, tenant, role: 'tenant-admin' });
    const key = await users.createKey(`alice-${suffix}`);
    alice = server.client({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretKey } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(async () => {
    alice?.destroy();
    await server?.close();
  });

  it('applies to every bucket of the tenant, OR-ed with the bucket block, through the console API', async () => {
    const bucket = uniqueBucket('apab');
    await alice.send(new CreateBucketCommand({ Bucket: bucket }));
    await alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'open', Body: 'a', ACL: 'public-read' }));
    await alice.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
    expect((await fetch(`${server.endpoint}/${bucket}/open`)).status).toBe(200);
    expect((await alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(true);
    expect((await root.get(`tenants/${tenant}/public-access-block`)).status).toBe(404);

    // IgnorePublicAcls at the account: the public ACLs stop granting anything; the bucket's own block is untouched.
    const put = await root.put(`tenants/${tenant}/public-access-block`, { ignore_public_acls: true });
    expect(put.status).toBe(200);
    expect((await root.get(`tenants/${tenant}/public-access-block`)).body.data).toEqual({
      block_public_acls: false,
      ignore_public_acls: true,
      block_public_policy: false,
      restrict_public_buckets: false,
    });
    expect((await fetch(`${server.endpoint}/${bucket}/open`)).status).toBe(403);
    // Not public through its ACL any more; with no policy either, S3 answers NoSuchBucketPolicy.
    await expect(alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchBucketPolicy' });
    await expect(alice.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
    });

    // BlockPublicAcls and BlockPublicPolicy at the account refuse new public ACLs and policies.
    await root.put(`tenants/${tenant}/public-access-block`, { block_public_acls: true, block_public_policy: true });
    const denied = { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } };
    await expect(alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'p', Body: 'x', ACL: 'public-read' }))).rejects.toMatchObject(
      denied,
    );
    const publicPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    });
    await expect(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy }))).rejects.toMatchObject(denied);
    expect((await root.delete(`tenants/${tenant}/public-access-block`)).status).toBe(204);
    expect((await fetch(`${server.endpoint}/${bucket}/open`)).status).toBe(200);
    await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy }));
  });
});
