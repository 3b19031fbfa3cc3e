import {
  corsConfigurationXml,
  lifecycleConfigurationXml,
  readCorsConfiguration,
  readLifecycleConfiguration,
  readTagging,
  taggingXml,
} from './bucket-config-shapes';
import { readXml } from './read-xml';
import { writeXml } from './write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

describe('CORSConfiguration', () => {
  const parse = async (xml: string) => readCorsConfiguration(await readXml(xml, 'CORSConfiguration'));

  it('reads rules in order, repeated elements as lists', async () => {
    const rules = await parse(
      `<CORSConfiguration ${NS}><CORSRule><ID>r1</ID><AllowedOrigin>https://a.example</AllowedOrigin><AllowedOrigin>http://*.b.example</AllowedOrigin>` +
        `<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>` +
        `<MaxAgeSeconds> 3000 </MaxAgeSeconds></CORSRule><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`,
    );
    expect(rules).toEqual([
      {
        id: 'r1',
        allowedOrigins: ['https://a.example', 'http://*.b.example'],
        allowedMethods: ['GET', 'PUT'],
        allowedHeaders: ['*'],
        exposeHeaders: ['ETag'],
        maxAgeSeconds: 3000,
      },
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    ]);
  });

  it('reads an empty AllowedOrigin as the empty string', async () => {
    const [r] = await parse(
      '<CORSConfiguration><CORSRule><AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>',
    );
    expect(r.allowedOrigins).toEqual(['']);
  });

  it.each([
    [
      'a MaxAgeSeconds that is not an integer',
      '<CORSConfiguration><CORSRule><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    ],
    [
      'two MaxAgeSeconds',
      '<CORSConfiguration><CORSRule><MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    ],
    ['another root', '<CORS><CORSRule/></CORS>'],
    ['markup inside a value', '<CORSConfiguration><CORSRule><AllowedOrigin><x/></AllowedOrigin></CORSRule></CORSConfiguration>'],
  ])('refuses %s with MalformedXML', async (_name, xml) => {
    await expect(parse(xml)).rejects.toMatchObject({ code: 'MalformedXML' });
  });

  it('writes the document', () => {
    const xml = writeXml(
      corsConfigurationXml([
        {
          id: 'r1',
          allowedOrigins: ['*'],
          allowedMethods: ['GET', 'HEAD'],
          allowedHeaders: ['x-amz-*'],
          exposeHeaders: [],
          maxAgeSeconds: 60,
        },
      ]),
    );
    expect(xml).toBe(
      `${DECL}<CORSConfiguration ${NS}><CORSRule><ID>r1</ID><AllowedHeader>x-amz-*</AllowedHeader><AllowedMethod>GET</AllowedMethod>` +
        `<AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>`,
    );
  });
});

describe('Tagging', () => {
  const parse = async (xml: string) => readTagging(await readXml(xml, 'Tagging'));

  it('reads tags in order; an empty Value is the empty string', async () => {
    expect(
      await parse('<Tagging><TagSet><Tag><Key>b</Key><Value>2</Value></Tag><Tag><Key>a</Key><Value/></Tag></TagSet></Tagging>'),
    ).toEqual([
      { key: 'b', value: '2' },
      { key: 'a', value: '' },
    ]);
    expect(await parse(`<Tagging ${NS}><TagSet/></Tagging>`)).toEqual([]);
  });

  it.each([
    ['no TagSet', '<Tagging></Tagging>'],
    ['a Tag without Value', '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>'],
    ['a Tag without Key', '<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>'],
    ['two TagSets', '<Tagging><TagSet/><TagSet/></Tagging>'],
  ])('refuses %s with MalformedXML', async (_name, xml) => {
    await expect(parse(xml)).rejects.toMatchObject({ code: 'MalformedXML' });
  });

  it('writes the document', () => {
    expect(writeXml(taggingXml([{ key: 'env', value: 'prod & test' }]))).toBe(
      `${DECL}<Tagging ${NS}><TagSet><Tag><Key>env</Key><Value>prod &amp; test</Value></Tag></TagSet></Tagging>`,
    );
  });
});

describe('LifecycleConfiguration', () => {
  const parse = async (xml: string) => readLifecycleConfiguration(await readXml(xml, 'LifecycleConfiguration'));
  const wrap = (rules: string) => `<LifecycleConfiguration ${NS}>${rules}</LifecycleConfiguration>`;

  it('reads every filter form and action', async () => {
    const rules = await parse(
      wrap(
        `<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>` +
          `<Rule><Filter/><Status>Disabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>` +
          `<Rule><ID>tag</ID><Filter><Tag><Key>tmp</Key><Value>yes</Value></Tag></Filter><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>` +
          `<Rule><ID>and</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>` +
          `<ObjectSizeLessThan>1000</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>` +
          `<NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>` +
          `<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>` +
          `<Rule><ID>v1</ID><Prefix>old/</Prefix><Status>Enabled</Status><Expiration><Date>2031-02-03</Date></Expiration></Rule>`,
      ),
    );
    expect(rules).toEqual([
      { id: 'logs', status: 'Enabled', filter: { prefix: 'logs/' }, expiration: { days: 30 } },
      { status: 'Disabled', filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
      { id: 'tag', status: 'Enabled', filter: { tag: { key: 'tmp', value: 'yes' } }, expiration: { date: '2030-01-01T00:00:00.000Z' } },
      {
        id: 'and',
        status: 'Enabled',
        filter: { and: { prefix: 'a/', tags: [{ key: 'k', value: 'v' }], objectSizeGreaterThan: 10, objectSizeLessThan: 1000 } },
        noncurrentVersionExpiration: { noncurrentDays: 5, newerNoncurrentVersions: 2 },
        expiration: { expiredObjectDeleteMarker: true },
      },
      { id: 'v1', status: 'Enabled', prefix: 'old/', expiration: { date: '2031-02-03T00:00:00.000Z' } },
    ]);
  });

  it.each([
    ['a rule without Status', '<Rule><Filter/><Expiration><Days>1</Days></Expiration></Rule>'],
    ['Days that is not an integer', '<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1.5</Days></Expiration></Rule>'],
    [
      'an RFC 1123 Date',
      '<Rule><Filter/><Status>Enabled</Status><Expiration><Date>Fri, 01 Jan 2016 00:00:00 GMT</Date></Expiration></Rule>',
    ],
    [
      'a boolean that is not one',
      '<Rule><Filter/><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration></Rule>',
    ],
    ['two Filters', '<Rule><Filter/><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'],
    [
      'two Tags directly in a Filter',
      '<Rule><Filter><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></Filter><Status>Enabled</Status></Rule>',
    ],
  ])('refuses %s with MalformedXML', async (_name, rule) => {
    await expect(parse(wrap(rule))).rejects.toMatchObject({ code: 'MalformedXML' });
  });

  it('refuses transitions: one storage class here', async () => {
    await expect(
      parse(
        wrap('<Rule><Filter/><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>'),
      ),
    ).rejects.toMatchObject({ code: 'NotImplemented' });
  });

  it('writes ID, Filter (or the legacy Prefix), Status, then the actions', () => {
    const xml = writeXml(
      lifecycleConfigurationXml([
        { id: 'a', status: 'Enabled', filter: {}, expiration: { days: 3 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
        { id: 'b', status: 'Disabled', prefix: 'x/', noncurrentVersionExpiration: { noncurrentDays: 2 } },
        {
          id: 'c',
          status: 'Enabled',
          filter: { and: { prefix: 'p/', tags: [{ key: 'k', value: 'v' }], objectSizeLessThan: 5 } },
          expiration: { date: '2030-01-01T00:00:00.000Z' },
        },
      ]),
    );
    expect(xml).toBe(
      `${DECL}<LifecycleConfiguration ${NS}>` +
        `<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>3</Days></Expiration>` +
        `<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>` +
        `<Rule><ID>b</ID><Prefix>x/</Prefix><Status>Disabled</Status><NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays></NoncurrentVersionExpiration></Rule>` +
        `<Rule><ID>c</ID><Filter><And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter>` +
        `<Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration></Rule>` +
        `</LifecycleConfiguration>`,
    );
  });

  it('round-trips what it reads', async () => {
    const xml = wrap(
      `<Rule><ID>r</ID><Filter><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan></Filter><Status>Enabled</Status><Expiration><Days>9</Days></Expiration></Rule>`,
    );
    const rules = await parse(xml);
    expect(await parse(writeXml(lifecycleConfigurationXml(rules.map((r) => ({ ...r, id: r.id ?? 'gen' })))))).toEqual(rules);
  });
});
