import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs module of the load generator, without type declarations
import { el, escapeXml, localOf, mamQuery, parseXml, resourceOf, saslPlain } from './lib/xmpp.mjs';

/**
 * The ejabberd peer's stanza builder and parser (bench/lib/xmpp.mjs): what the builder writes the parser reads back,
 * with escaping intact. ejabberd itself is never started by the test suite.
 */
describe('bench XMPP stanzas', () => {
  it('round-trips a message with text that needs escaping', () => {
    const text = `t=123;w0m1 <b>"fish" & 'chips'</b> ünïcode ✓`;
    const xml = el('message', { to: 'b000001@localhost', type: 'chat', id: 'w0m1' }, el('body', {}, escapeXml(text)));
    const s = parseXml(xml);
    expect(s.name).toBe('message');
    expect(s.attrs).toEqual({ to: 'b000001@localhost', type: 'chat', id: 'w0m1' });
    expect(s.childText('body')).toBe(text);
  });

  it('reads what a server sends: prefixes, single quotes, character references, nested results', () => {
    const s = parseXml(
      `<message from='b1@localhost' to='a1@localhost/bench'><result xmlns='urn:xmpp:mam:2' queryid='m1' id='1700000000000007'>` +
        `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2023-11-14T22:13:20Z'/>` +
        `<message type="chat" id="h0_7"><body>a &lt;b&gt; &#233;&#x2713;</body></message></forwarded></result></message>`,
    );
    const result = s.child('result', 'urn:xmpp:mam:2');
    expect(result.attrs.id).toBe('1700000000000007');
    expect(result.child('forwarded').child('message').childText('body')).toBe('a <b> é✓');
    expect(parseXml(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>`).children[0].name).toBe('bind');
  });

  it('rejects incomplete elements', () => {
    expect(() => parseXml('<message><body>x</body>')).toThrow();
    expect(() => parseXml('<a></b>')).toThrow();
  });

  it('builds a MAM page query and the SASL PLAIN response', () => {
    const q = parseXml(mamQuery('q1', 'm1', 'b1@localhost', '1700000000000051', 50));
    const query = q.child('query', 'urn:xmpp:mam:2');
    expect(query.attrs.queryid).toBe('m1');
    expect(query.child('x').children.map((f: { attrs: { var: string }; childText: (n: string) => string }) => [f.attrs.var, f.childText('value')])).toEqual([
      ['FORM_TYPE', 'urn:xmpp:mam:2'],
      ['with', 'b1@localhost'],
    ]);
    expect(query.child('set').childText('before')).toBe('1700000000000051');
    expect(query.child('set').childText('max')).toBe('50');
    expect(Buffer.from(saslPlain('a1', 'pw'), 'base64').toString()).toBe('\0a1\0pw');
    expect([localOf('a1@localhost/bench'), resourceOf('room0@conference.localhost/a1')]).toEqual(['a1', 'a1']);
  });
});
