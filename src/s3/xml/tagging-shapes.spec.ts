import { readXml } from './read-xml';
import { readTagging, taggingXml } from './tagging-shapes';
import { writeXml, XmlSequence } from './write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

describe('Tagging XML document', () => {
  it('writes the tag set sorted by key, and an empty one', () => {
    expect(writeXml(taggingXml({ b: '2', a: '' }))).toBe(
      `${DECL}<Tagging ${NS}><TagSet><Tag><Key>a</Key><Value/></Tag><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>`,
    );
    expect(writeXml(taggingXml({}))).toBe(`${DECL}<Tagging ${NS}><TagSet/></Tagging>`);
  });

  it('reads tags in document order, keeping duplicates for the domain to refuse', async () => {
    const read = async (xml: string) => readTagging(await readXml(xml, 'Tagging'));
    expect(
      await read(`<Tagging ${NS}><TagSet><Tag><Key>k</Key><Value>v 1</Value></Tag><Tag><Key>k</Key><Value/></Tag></TagSet></Tagging>`),
    ).toEqual([
      ['k', 'v 1'],
      ['k', ''],
    ]);
    expect(await read('<Tagging><TagSet/></Tagging>')).toEqual([]);
    await expect(read('<Tagging></Tagging>')).rejects.toMatchObject({ code: 'MalformedXML' });
    await expect(read('<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>')).rejects.toMatchObject({ code: 'MalformedXML' });
  });
});

describe('writeXml with an XmlSequence', () => {
  it('interleaves differently named siblings in the given order, with the namespace on the root', () => {
    const doc = {
      root: 'R',
      body: {
        A: 1,
        S: new XmlSequence([
          ['X', { K: 'x1' }],
          ['Y', { K: 'y1' }],
          ['X', { K: 'x2' }],
        ]),
        B: [{ P: 'p' }, { P: 'q' }],
        C: 'a<b',
      },
    };
    expect(writeXml(doc)).toBe(
      `${DECL}<R ${NS}><A>1</A><X><K>x1</K></X><Y><K>y1</K></Y><X><K>x2</K></X><B><P>p</P></B><B><P>q</P></B><C>a&lt;b</C></R>`,
    );
    expect(writeXml({ root: 'R', body: { S: new XmlSequence([]) } })).toBe(`${DECL}<R ${NS}/>`);
  });
});
