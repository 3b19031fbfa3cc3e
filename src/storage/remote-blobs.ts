import type { Readable } from 'node:stream';
import type { BlobWriteResult, ByteRange } from './storage-backend';

/**
 * Cluster mode: the blobs of another node's volume, over its internal API (streams both ways).
 * Provided by the cluster module; absent on a single node. The storage layer uses it when a
 * bucket's bytes are held by another node (BlobStore's `holder` arguments).
 */
export abstract class RemoteBlobs {
  /** This node's id (blobs held by it are local). */
  abstract readonly localNodeId: string;
  /** The bytes of a blob held by `nodeId` (rejects with BlobNotFoundError when it has none). */
  abstract read(nodeId: string, blobId: string, range?: ByteRange): Promise<Readable>;
  /** Streams `source` into a new blob on `nodeId`; `verify` runs once the node has it (a throw discards it there). */
  abstract write(nodeId: string, source: Readable, verify?: (size: number) => void | Promise<void>): Promise<BlobWriteResult>;
  /** Deletes blobs held by `nodeId` (idempotent). */
  abstract delete(nodeId: string, blobIds: string[]): Promise<void>;
}
