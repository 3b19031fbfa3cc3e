import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startServer, StartOptions, TestServer, uniqueBucket } from './start-server';

/** What a describe block gets from s3Fixture(): read its fields inside tests and hooks. */
export interface S3Fixture {
  readonly server: TestServer;
  /** An SDK v3 client signed with the root keys. */
  readonly s3: S3Client;
  /** A bucket created for this block. */
  readonly bucket: string;
}

/**
 * Registers beforeAll/afterAll for the usual start of an S3 suite: a real server, a root client
 * and one fresh bucket (named `<prefix>-<random>`); all torn down after the block.
 */
export function s3Fixture(prefix = 'test', options: StartOptions = {}): S3Fixture {
  const state: { server?: TestServer; s3?: S3Client; bucket: string } = { bucket: uniqueBucket(prefix) };
  beforeAll(async () => {
    state.server = await startServer(options);
    state.s3 = state.server.client();
    await state.s3.send(new CreateBucketCommand({ Bucket: state.bucket }));
  });
  afterAll(async () => {
    state.s3?.destroy();
    await state.server?.close();
  });
  return {
    get server() {
      if (!state.server) throw new Error('s3Fixture: the server starts in beforeAll');
      return state.server;
    },
    get s3() {
      if (!state.s3) throw new Error('s3Fixture: the client exists from beforeAll on');
      return state.s3;
    },
    bucket: state.bucket,
  };
}
