import { Injectable } from '@nestjs/common';
import { BucketsService } from '../buckets/buckets.service';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import type { AclGrant } from '../iam/acl/acl';
import { ObjectEntity } from './entities/object.entity';

/** Object ACLs: stored on the object's row (per version). */
@Injectable()
export class ObjectAclService {
  constructor(
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
  ) {}

  private async row(bucketName: string, key: string, versionId?: string): Promise<ObjectEntity> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.db
      .repo(ObjectEntity)
      .findOneBy(versionId ? { bucketId: bucket.id, key, versionId } : { bucketId: bucket.id, key, isLatest: true });
    if (!row || (row.isDeleteMarker && !versionId)) throw new DomainError('ObjectNotFound', undefined, { key });
    return row;
  }

  async get(bucket: string, key: string, versionId?: string): Promise<{ ownerId: string; grants: AclGrant[] | null }> {
    const row = await this.row(bucket, key, versionId);
    return { ownerId: row.ownerId, grants: row.acl };
  }

  async set(bucket: string, key: string, grants: AclGrant[], versionId?: string): Promise<void> {
    const row = await this.row(bucket, key, versionId);
    await this.db.tx((m) => m.update(ObjectEntity, { id: row.id }, { acl: grants }));
  }
}
