import { XmlGuard } from './xml-guard';

const feed = (guard: XmlGuard, text: string, chunk = 7) => {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunk) {
    const refused = guard.write(bytes.subarray(i, i + chunk));
    if (refused) return refused;
  }
  return guard.end();
};

describe('XmlGuard', () => {
  it('passes an ordinary document fed in small chunks, multi-byte characters split across them', () => {
    const doc = '<Tagging><TagSet><Tag><Key>clé ✓ 日本</Key><Value>v</Value></Tag></TagSet></Tagging>';
    expect(feed(new XmlGuard(), doc, 3)).toBeUndefined();
  });

  it('passes an empty body (CreateBucket without a configuration)', () => {
    expect(new XmlGuard().end()).toBeUndefined();
  });

  it('refuses nesting past the depth limit at the first element too deep', () => {
    const guard = new XmlGuard({ maxDepth: 4, maxNodes: 1000 });
    const refused = feed(guard, `<a>${'<b>'.repeat(4)}`);
    expect(refused?.code).toBe('MalformedXML');
    expect(refused?.message).toMatch(/deeper than 4/);
  });

  it('refuses more nodes than the limit, attributes counted', () => {
    const guard = new XmlGuard({ maxDepth: 10, maxNodes: 5 });
    expect(feed(guard, '<a><b x="1" y="2"/><c/><d/></a>')?.message).toMatch(/more than 5/);
  });

  it('refuses broken XML', () => {
    expect(feed(new XmlGuard(), '<a><b></a>')?.code).toBe('MalformedXML');
  });
});
