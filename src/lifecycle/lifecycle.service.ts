import { Injectable } from '@nestjs/common';
import { BucketConfigService } from '../buckets/bucket-config.service';
import { ObjectTaggingService } from '../objects/object-tagging.service';
import type { ObjectView } from '../objects/objects.service';
import { currentExpiration, Due, expirationRules, needsTags } from './lifecycle-rules';

/** Read-side questions about a bucket's lifecycle rules, for the protocol layers. */
@Injectable()
export class LifecycleService {
  constructor(
    private readonly configs: BucketConfigService,
    private readonly tagging: ObjectTaggingService,
  ) {}

  /**
   * When the current version of an object is due to expire, and by which rule (GetObject and
   * HeadObject answer it as x-amz-expiration). Costs two cache lookups for a bucket without rules.
   */
  async expirationOf(bucket: string, o: ObjectView): Promise<Due | undefined> {
    if (!o.isLatest || o.isDeleteMarker) return undefined;
    const all = await this.configs.lifecycleRules(bucket);
    const rules = all ? expirationRules(all) : [];
    if (rules.length === 0) return undefined;
    const tags = needsTags(rules) && o.tagCount > 0 ? (await this.tagging.getTags(bucket, o.key, o.versionId)).tags : null;
    return currentExpiration(rules, { key: o.key, size: o.size, tags, lastModified: o.lastModified.getTime() });
  }

  /** The same for an object just written (PutObject, CompleteMultipartUpload): its tags are given. */
  async expirationOfWritten(
    bucket: string,
    o: { key: string; size: number; lastModified: Date; tags: Record<string, string> | null },
  ): Promise<Due | undefined> {
    const all = await this.configs.lifecycleRules(bucket);
    const rules = all ? expirationRules(all) : [];
    if (rules.length === 0) return undefined;
    return currentExpiration(rules, { key: o.key, size: o.size, tags: o.tags ?? {}, lastModified: o.lastModified.getTime() });
  }
}
