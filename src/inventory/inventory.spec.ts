import {
  inventoryDue,
  inventoryReportPrefix,
  inventoryTimestamp,
  normalizeInventoryConfiguration,
} from '../buckets/inventory-configuration';
import { csvField, inventoryHeader } from './inventory.service';

describe('inventory configuration', () => {
  it('fills the defaults and strips the trailing slash of the prefix', () => {
    expect(normalizeInventoryConfiguration({ destinationBucket: 'd', schedule: 'Daily', prefix: 'reports/' })).toEqual({
      id: 'default',
      enabled: true,
      destinationBucket: 'd',
      prefix: 'reports',
      schedule: 'Daily',
      format: 'CSV',
      includedVersions: 'Current',
      fields: ['Size', 'ETag', 'LastModifiedDate', 'StorageClass', 'VersionId'],
    });
  });

  it.each([
    [{ schedule: 'Hourly' }, /schedule/],
    [{ fields: ['Size', 'Size'] }, /repeat/],
    [{ fields: ['Colour'] }, /unknown field/],
    [{ prefix: '/abs' }, /prefix/],
    [{ id: 'a b' }, /id/],
  ])('refuses %j', (change, message) => {
    expect(() => normalizeInventoryConfiguration({ destinationBucket: 'd', schedule: 'Daily', ...(change as object) })).toThrow(message);
  });

  it('names reports <prefix>/<bucket>/<sortable timestamp>.csv', () => {
    expect(inventoryReportPrefix({ prefix: 'inv' }, 'b')).toBe('inv/b/');
    expect(inventoryReportPrefix({ prefix: '' }, 'b')).toBe('b/');
    expect(inventoryTimestamp(new Date('2024-01-02T03:04:05.678Z'))).toBe('2024-01-02T03-04-05-678Z');
  });

  it('is due when never run, or a period after the last run, and never when disabled', () => {
    const day = 86_400_000;
    expect(inventoryDue({ enabled: true, schedule: 'Daily' }, 0)).toBe(true);
    expect(inventoryDue({ enabled: true, schedule: 'Daily', lastRunAt: 0 }, day - 1)).toBe(false);
    expect(inventoryDue({ enabled: true, schedule: 'Daily', lastRunAt: 0 }, day)).toBe(true);
    expect(inventoryDue({ enabled: true, schedule: 'Weekly', lastRunAt: 0 }, 6 * day)).toBe(false);
    expect(inventoryDue({ enabled: false, schedule: 'Daily' }, 0)).toBe(false);
  });

  it('quotes CSV fields as RFC 4180 says, and names the columns', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(inventoryHeader({ fields: ['Size', 'ETag'], includedVersions: 'All' })).toEqual([
      'key',
      'is_latest',
      'is_delete_marker',
      'size',
      'etag',
    ]);
  });
});
