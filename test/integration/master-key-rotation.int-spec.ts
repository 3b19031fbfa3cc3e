import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AdminModule } from '../../src/cli/admin.module';
import { parseArgs, runCommand } from '../../src/cli/admin';
import { AppLogger } from '../../src/common/app-logger';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { KmsService } from '../../src/encryption/kms.service';
import { UsersService } from '../../src/iam/users.service';
import { filesUnder } from '../support/blob-files';
import { createTestDatabase, startServer, TestServer, uniqueBucket } from '../support/start-server';

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const MiB = 1024 * 1024;

async function bytesOf(res: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

/** sha256 of every blob file: a rotation must not rewrite any of them. */
function blobDigests(dataDir: string): Map<string, string> {
  const blobs = filesUnder(join(dataDir, 'blobs'));
  return new Map(blobs.map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

describe('master-key rotation (npm run admin -- master-key rotate)', () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let server: TestServer | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'os3-rotate-'));
    if (process.env.TEST_DATABASE_URL) {
      const created = await createTestDatabase(process.env.TEST_DATABASE_URL);
      databaseUrl = created.url;
      drop = created.drop;
    }
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-wraps data keys, KMS keys and secrets: after a restart with only the new key every object reads byte-identical', async () => {
    const start = (config: Partial<AppConfig>) =>
      startServer({ dataDir, databaseUrl, config: { sseCustomerKeyOverHttp: true, ...config } });
    server = await start({ masterKey: OLD_KEY });
    let s3 = server.client();
    const bucket = uniqueBucket('rotate');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const bodies = { s3: randomBytes(150_000), kms: randomBytes(70_000), named: randomBytes(1000), c: randomBytes(5000) };
    const customerKey = randomBytes(16).toString('hex');
    const named = await server.app.app.get(KmsService).create({ alias: 'rotation-test' });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 's3', Body: bodies.s3, ServerSideEncryption: 'AES256' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kms', Body: bodies.kms, ServerSideEncryption: 'aws:kms' }));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'named', Body: bodies.named, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: named.keyId }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'c', Body: bodies.c, SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }),
    );
    // An upload in progress: its part's data key is re-wrapped too.
    const part1 = randomBytes(5 * MiB);
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', ServerSideEncryption: 'AES256' }));
    const up1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: upload.UploadId, PartNumber: 1, Body: part1 }));
    const users = server.app.app.get(UsersService);
    await users.create({ username: 'rotating-user', role: 'admin' });
    const userKey = await users.createKey('rotating-user');
    s3.destroy();
    await server.close();
    server = undefined;
    const blobsBefore = blobDigests(dataDir);

    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      MASTER_KEY: NEW_KEY.toString('hex'),
      MASTER_KEY_PREVIOUS: OLD_KEY.toString('base64'),
      LOG_LEVEL: 'error',
      DISK_RESERVE_BYTES: '0',
    });
    const ctx = await NestFactory.createApplicationContext(AdminModule.forRoot(config), { logger: new AppLogger('error') });
    let cliKey: { keyId: string; arn: string };
    try {
      // The kms commands of the admin CLI, on the same database (a key made now is under the new master key already).
      [cliKey] = (await runCommand(ctx, parseArgs(['kms', 'create', 'alias/cli-key', '--description', 'made by the CLI']))) as [
        { keyId: string; arn: string },
        string,
      ];
      const [listed, text] = (await runCommand(ctx, parseArgs(['kms', 'list']))) as [Array<{ keyId: string }>, string];
      expect(listed.map((k) => k.keyId)).toEqual(expect.arrayContaining([named.keyId, cliKey.keyId]));
      expect(text).toContain('alias/cli-key');
      const [disabled] = (await runCommand(ctx, parseArgs(['kms', 'disable', 'alias/rotation-test']))) as [{ keyState: string }, string];
      expect(disabled.keyState).toBe('Disabled');
      await runCommand(ctx, parseArgs(['kms', 'enable', named.arn]));
      const [report] = (await runCommand(ctx, parseArgs(['master-key', 'rotate']))) as [Record<string, number>, string];
      expect(report).toMatchObject({ objectVersions: 1, dataKeys: 1, uploadParts: 1, kmsKeys: 2, serverSecrets: 1 });
      expect(report.secrets).toBeGreaterThanOrEqual(2);
      // Idempotent: a second run finds nothing left under the old key.
      const [again] = (await runCommand(ctx, parseArgs(['master-key', 'rotate']))) as [Record<string, number>, string];
      expect(again).toMatchObject({ objectVersions: 0, uploadParts: 0, kmsKeys: 0 });
    } finally {
      await ctx.close();
    }
    expect(blobDigests(dataDir)).toEqual(blobsBefore);

    server = await start({ masterKey: NEW_KEY });
    s3 = server.client();
    const read = async (Key: string, extra: Record<string, string> = {}) =>
      bytesOf(await s3.send(new GetObjectCommand({ Bucket: bucket, Key, ...extra })));
    expect((await read('s3')).equals(bodies.s3)).toBe(true);
    expect((await read('kms')).equals(bodies.kms)).toBe(true);
    expect((await read('named')).equals(bodies.named)).toBe(true);
    expect((await read('c', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })).equals(bodies.c)).toBe(true);
    await expect(
      s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: 'c', SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(16).toString('hex') }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    const part2 = randomBytes(1000);
    const up2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: upload.UploadId, PartNumber: 2, Body: part2 }));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp',
        UploadId: upload.UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: up1.ETag },
            { PartNumber: 2, ETag: up2.ETag },
          ],
        },
      }),
    );
    expect((await read('mp')).equals(Buffer.concat([part1, part2]))).toBe(true);
    // The access-key secret sealed under the old key still signs.
    const asUser = server.client({ credentials: { accessKeyId: userKey.accessKeyId, secretAccessKey: userKey.secretKey } });
    expect((await bytesOf(await asUser.send(new GetObjectCommand({ Bucket: bucket, Key: 'named' })))).equals(bodies.named)).toBe(true);
    asUser.destroy();
    // A KMS key created by the CLI under the old master key encrypts after the rotation.
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'cli',
        Body: 'via cli key',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: cliKey!.keyId,
      }),
    );
    expect(put.SSEKMSKeyId).toBe(cliKey!.arn);
    expect((await read('cli')).toString()).toBe('via cli key');
    s3.destroy();
  });
});
