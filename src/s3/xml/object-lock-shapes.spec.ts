import {
  legalHoldXml,
  objectLockConfigurationXml,
  parseRetainUntil,
  readLegalHold,
  readObjectLockConfiguration,
  readRetention,
  retentionXml,
} from './object-lock-shapes';
import { readXml } from './read-xml';
import { writeXml } from './write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

describe('object lock XML documents', () => {
  it('ObjectLockConfiguration with and without a default retention', () => {
    expect(writeXml(objectLockConfigurationXml({ enabled: true, defaultRetention: null }))).toBe(
      `${DECL}<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`,
    );
    expect(writeXml(objectLockConfigurationXml({ enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 7 } }))).toBe(
      `${DECL}<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled>` +
        `<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>7</Days></DefaultRetention></Rule></ObjectLockConfiguration>`,
    );
  });

  const config = async (inner: string) =>
    readObjectLockConfiguration(
      await readXml(`<ObjectLockConfiguration ${NS}>${inner}</ObjectLockConfiguration>`, 'ObjectLockConfiguration'),
    );
  const rule = (r: string) => `<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>${r}</DefaultRetention></Rule>`;

  it('reads a PutObjectLockConfiguration request', async () => {
    expect(await config('<ObjectLockEnabled>Enabled</ObjectLockEnabled>')).toBeNull();
    expect(await config(rule('<Mode>COMPLIANCE</Mode><Years>1</Years>'))).toEqual({ mode: 'COMPLIANCE', years: 1 });
    expect(await config(rule('<Mode>GOVERNANCE</Mode><Days> 30 </Days>'))).toEqual({ mode: 'GOVERNANCE', days: 30 });
  });

  it.each([
    ['no ObjectLockEnabled', '<Rule/>', 'MalformedXML'],
    ['ObjectLockEnabled other than Enabled', '<ObjectLockEnabled>Disabled</ObjectLockEnabled>', 'MalformedXML'],
    ['a rule without DefaultRetention', '<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule></Rule>', 'MalformedXML'],
    ['an unknown mode', rule('<Mode>STRICT</Mode><Days>1</Days>'), 'MalformedXML'],
    ['both Days and Years', rule('<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>'), 'MalformedXML'],
    ['neither Days nor Years', rule('<Mode>GOVERNANCE</Mode>'), 'MalformedXML'],
    ['a period that is not a number', rule('<Mode>GOVERNANCE</Mode><Days>x</Days>'), 'MalformedXML'],
    ['zero days', rule('<Mode>GOVERNANCE</Mode><Days>0</Days>'), 'InvalidRetentionPeriod'],
    ['negative years', rule('<Mode>GOVERNANCE</Mode><Years>-1</Years>'), 'InvalidRetentionPeriod'],
    ['more than 100 years', rule('<Mode>GOVERNANCE</Mode><Years>101</Years>'), 'InvalidRetentionPeriod'],
  ])('refuses %s', async (_name, inner, code) => {
    await expect(config(inner)).rejects.toMatchObject({ code });
  });

  it('Retention and LegalHold, both ways', async () => {
    const until = Date.parse('2030-01-02T03:04:05.000Z');
    expect(writeXml(retentionXml({ mode: 'COMPLIANCE', retainUntil: until }))).toBe(
      `${DECL}<Retention ${NS}><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-02T03:04:05.000Z</RetainUntilDate></Retention>`,
    );
    const retention = async (inner: string) => readRetention(await readXml(`<Retention>${inner}</Retention>`, 'Retention'));
    expect(await retention('<Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-02T03:04:05Z</RetainUntilDate>')).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: until,
    });
    expect(await retention('')).toBeNull();
    await expect(retention('<Mode>GOVERNANCE</Mode>')).rejects.toMatchObject({ code: 'MalformedXML' });
    await expect(retention('<Mode>LOCKED</Mode><RetainUntilDate>2030-01-02T03:04:05Z</RetainUntilDate>')).rejects.toMatchObject({
      code: 'MalformedXML',
    });
    await expect(retention('<Mode>GOVERNANCE</Mode><RetainUntilDate>tomorrow</RetainUntilDate>')).rejects.toMatchObject({
      code: 'InvalidArgument',
    });

    expect(writeXml(legalHoldXml(true))).toBe(`${DECL}<LegalHold ${NS}><Status>ON</Status></LegalHold>`);
    const hold = async (inner: string) => readLegalHold(await readXml(`<LegalHold>${inner}</LegalHold>`, 'LegalHold'));
    expect(await hold('<Status>OFF</Status>')).toBe(false);
    await expect(hold('<Status>on</Status>')).rejects.toMatchObject({ code: 'MalformedXML' });
  });

  it('parses retain-until dates in ISO 8601 only', () => {
    expect(parseRetainUntil('2030-01-02T03:04:05+01:00')).toBe(Date.parse('2030-01-02T02:04:05Z'));
    expect(() => parseRetainUntil('Wed, 02 Jan 2030 03:04:05 GMT')).toThrow('ISO 8601');
  });
});
