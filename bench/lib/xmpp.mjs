// The XML the load generator needs for XMPP (the ejabberd peer): a builder for the few stanzas it sends and a small
// parser for what comes back. Over WebSocket (RFC 7395) every frame is one complete element, so a parser of whole
// elements suffices: no streaming, no DTDs, no processing instructions. Namespace prefixes are kept in the name
// (`stream:features`); attribute values and text are unescaped.

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeXml = (s) => String(s).replace(/[&<>"']/gu, (c) => escapes[c]);

const named = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
export function unescapeXml(s) {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/giu, (whole, ref) => {
    if (ref[0] !== '#') return named[ref] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** `<name a="v">children</name>`; children are strings of XML (use escapeXml for text). */
export function el(name, attrs = {}, ...children) {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined && value !== null) out += ` ${key}="${escapeXml(value)}"`;
  const inner = children.join('');
  return inner ? `${out}>${inner}</${name}>` : `${out}/>`;
}

/** An element: { name, attrs, children, text } with `text` the concatenated character data directly inside it. */
class Element {
  constructor(name, attrs) {
    this.name = name;
    this.attrs = attrs;
    this.children = [];
    this.text = '';
  }

  /** The first child with this name (and namespace, when given). */
  child(name, xmlns) {
    return this.children.find((c) => c.name === name && (xmlns === undefined || c.attrs.xmlns === xmlns)) ?? null;
  }

  /** Text of the first child with this name, or null. */
  childText(name) {
    const c = this.child(name);
    return c ? c.text : null;
  }
}

const attrPattern = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gu;

/** Parses one complete XML element (leading whitespace, comments and an XML declaration are skipped). */
export function parseXml(xml) {
  const stack = [];
  let root = null;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i && stack.length > 0) stack[stack.length - 1].text += unescapeXml(xml.slice(i, textEnd));
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new Error('unterminated CDATA');
      if (stack.length > 0) stack[stack.length - 1].text += xml.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    if (xml[lt + 1] === '?') {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new Error('unterminated declaration');
      i = end + 2;
      continue;
    }
    const gt = findTagEnd(xml, lt + 1);
    if (gt < 0) throw new Error('unterminated tag');
    if (xml[lt + 1] === '/') {
      const name = xml.slice(lt + 2, gt).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`mismatched </${name}>`);
      i = gt + 1;
      if (stack.length === 0) return top;
      continue;
    }
    const selfClosing = xml[gt - 1] === '/';
    const body = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
    const space = body.search(/\s/u);
    const name = space < 0 ? body : body.slice(0, space);
    const attrs = {};
    if (space >= 0) for (const m of body.slice(space).matchAll(attrPattern)) attrs[m[1]] = unescapeXml(m[2] ?? m[3]);
    const element = new Element(name, attrs);
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root) throw new Error('more than one root element');
    else root = element;
    i = gt + 1;
    if (selfClosing) {
      if (stack.length === 0) return element;
    } else stack.push(element);
  }
  if (stack.length > 0 || !root) throw new Error('incomplete element');
  return root;
}

/** Index of the `>` closing the tag that starts at `from`, skipping quoted attribute values. */
function findTagEnd(xml, from) {
  let quote = '';
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

// Namespaces of what the generator speaks.
export const NS = {
  framing: 'urn:ietf:params:xml:ns:xmpp-framing',
  sasl: 'urn:ietf:params:xml:ns:xmpp-sasl',
  bind: 'urn:ietf:params:xml:ns:xmpp-bind',
  sm: 'urn:xmpp:sm:3',
  ping: 'urn:xmpp:ping',
  muc: 'http://jabber.org/protocol/muc',
  mucUser: 'http://jabber.org/protocol/muc#user',
  mam: 'urn:xmpp:mam:2',
  rsm: 'http://jabber.org/protocol/rsm',
  forward: 'urn:xmpp:forward:0',
  data: 'jabber:x:data',
};

/** The local part of a JID (`user@host/res` → `user`), or the whole string when it has none. */
export function localOf(jid) {
  const at = jid.indexOf('@');
  return at < 0 ? jid : jid.slice(0, at);
}

/** The resource of a JID, or '' (in a MUC room: the occupant's nick). */
export function resourceOf(jid) {
  const slash = jid.indexOf('/');
  return slash < 0 ? '' : jid.slice(slash + 1);
}

/** SASL PLAIN's initial response: authzid (empty), authcid, password, NUL-separated, base64. */
export function saslPlain(user, password) {
  return Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
}

/** A MAM (XEP-0313) query for the `max` messages exchanged with `withJid` before archive id `before`, in one page. */
export function mamQuery(id, queryId, withJid, before, max) {
  const field = (name, value, type) => el('field', { var: name, type }, el('value', {}, escapeXml(value)));
  return el(
    'iq',
    { type: 'set', id },
    el(
      'query',
      { xmlns: NS.mam, queryid: queryId },
      el('x', { xmlns: NS.data, type: 'submit' }, field('FORM_TYPE', NS.mam, 'hidden'), field('with', withJid)),
      el('set', { xmlns: NS.rsm }, el('max', {}, String(max)), el('before', {}, escapeXml(before))),
    ),
  );
}
