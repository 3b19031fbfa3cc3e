import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { BucketsService } from '../buckets/buckets.service';
import { ObjectEntity } from './entities/object.entity';
import { assertRetentionChange, Retention, retentionOf } from './object-lock';
import { assertLockable, ObjectsService } from './objects.service';

/** What a retention or legal hold read returns, with the version it belongs to. */
export interface VersionFact<T> {
  value: T;
  versionId: string;
}

/** Per-version object lock: retention and legal hold (GetObjectRetention, PutObjectLegalHold, ...). */
@Injectable()
export class ObjectLockService {
  constructor(
    private readonly buckets: BucketsService,
    private readonly objects: ObjectsService,
    private readonly clock: Clock,
  ) {}

  /** The version's retention (also an expired one); NoSuchObjectLockConfiguration when it never had one. */
  async getRetention(bucketName: string, key: string, versionId?: string): Promise<VersionFact<Retention>> {
    const bucket = await this.buckets.entity(bucketName);
    assertLockable(bucket);
    const row = await this.objects.entity(bucket, key, versionId);
    const retention = retentionOf(row);
    if (!retention) throw new DomainError('NoSuchObjectLockConfiguration', undefined, { key });
    return { value: retention, versionId: row.versionId };
  }

  /**
   * Sets (or, with null, removes) a version's retention. The decision on weakening an active
   * retention is assertRetentionChange: `canBypassGovernance` is where IAM plugs in
   * s3:BypassGovernanceRetention.
   */
  async putRetention(
    bucketName: string,
    key: string,
    versionId: string | undefined,
    retention: Retention | null,
    canBypassGovernance: boolean,
  ): Promise<{ versionId: string }> {
    assertLockable(await this.buckets.entity(bucketName));
    const now = this.clock.now();
    if (retention && retention.retainUntil <= now.getTime()) {
      throw new DomainError('InvalidArgument', 'The retain until date must be in the future!');
    }
    const done = await this.objects.updateVersion(bucketName, key, versionId, async (row, _bucket, m) => {
      assertRetentionChange(row, retention, now, canBypassGovernance);
      await m.update(ObjectEntity, { id: row.id }, { lockMode: retention?.mode ?? null, lockRetainUntil: retention?.retainUntil ?? null });
    });
    return { versionId: done.versionId };
  }

  /** The version's legal hold; NoSuchObjectLockConfiguration when it was never set. */
  async getLegalHold(bucketName: string, key: string, versionId?: string): Promise<VersionFact<boolean>> {
    const bucket = await this.buckets.entity(bucketName);
    assertLockable(bucket);
    const row = await this.objects.entity(bucket, key, versionId);
    if (row.legalHold === null) throw new DomainError('NoSuchObjectLockConfiguration', undefined, { key });
    return { value: row.legalHold, versionId: row.versionId };
  }

  /** Places or releases a legal hold: anyone allowed to call this may do either (no bypass involved). */
  async putLegalHold(bucketName: string, key: string, versionId: string | undefined, on: boolean): Promise<{ versionId: string }> {
    assertLockable(await this.buckets.entity(bucketName));
    const done = await this.objects.updateVersion(bucketName, key, versionId, async (row, _bucket, m) => {
      await m.update(ObjectEntity, { id: row.id }, { legalHold: on });
    });
    return { versionId: done.versionId };
  }
}
