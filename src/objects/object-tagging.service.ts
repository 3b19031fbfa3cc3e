import { Injectable } from '@nestjs/common';
import { BucketsService } from '../buckets/buckets.service';
import { ObjectEntity } from './entities/object.entity';
import { ObjectTags, validateTags } from './object-tags';
import { ObjectsService } from './objects.service';

/** The result of a tagging call: the version it applied to, and whether S3 reports version ids. */
export interface TaggedVersion {
  versionId: string;
  versioned: boolean;
}

/** Per-version object tags (GetObjectTagging, PutObjectTagging, DeleteObjectTagging). */
@Injectable()
export class ObjectTaggingService {
  constructor(
    private readonly buckets: BucketsService,
    private readonly objects: ObjectsService,
  ) {}

  async getTags(bucketName: string, key: string, versionId?: string): Promise<TaggedVersion & { tags: ObjectTags }> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.objects.entity(bucket, key, versionId);
    return { tags: row.tags ?? {}, versionId: row.versionId, versioned: bucket.versioning !== null };
  }

  /** Replaces the version's whole tag set (validated with S3's rules: InvalidTag). */
  async putTags(bucketName: string, key: string, versionId: string | undefined, pairs: Array<[string, string]>): Promise<TaggedVersion> {
    const tags = validateTags(pairs);
    const done = await this.objects.updateVersion(bucketName, key, versionId, async (row, _bucket, m) => {
      await m.update(ObjectEntity, { id: row.id }, { tags: Object.keys(tags).length > 0 ? tags : null });
    });
    return { versionId: done.versionId, versioned: done.versioned };
  }

  async deleteTags(bucketName: string, key: string, versionId?: string): Promise<TaggedVersion> {
    const done = await this.objects.updateVersion(bucketName, key, versionId, async (row, _bucket, m) => {
      await m.update(ObjectEntity, { id: row.id }, { tags: null });
    });
    return { versionId: done.versionId, versioned: done.versioned };
  }
}
