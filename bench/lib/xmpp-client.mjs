// The load generator's XMPP client (the ejabberd peer), with the same surface as BenchClient so the scenarios and the
// worker drive both the same way: connect(cb), sendMessage(conv, to, clientMsgId, text, cb), request(op, data, cb),
// onUpdate(client, { type: 'message.new', message }), close(). One WebSocket per user (RFC 7395, subprotocol `xmpp`,
// one element per frame); SASL PLAIN, resource bind, optional stream management, initial presence, MUC joins.
//
// What the Feige frames become:
// - messages.send → `<message type="chat">` to the friend's bare JID, or `type="groupchat"` to the room (to = 'g:…').
//   The clientMsgId is the stanza id (and stays in the text, after the send time). XMPP has no send ack: by default
//   the send's callback says { noAck: true } and no ack latency is recorded. With target.streamManagement (the
//   runner's --xmpp-acks) the client enables XEP-0198, asks `<r/>` after its sends and the server's `<a h>` is the ack:
//   the sender's session has handled the stanza (for ejabberd: routed it, written the sender's archive copy), not a
//   storage commit of the recipient's copy. ejabberd then also asks an ack after every stanza it sends, and the
//   client answers each one: real clients with XEP-0198 pay that, Feige's protocol has nothing like it.
// - messages.history → a MAM query (XEP-0313) for the page of `limit` before an archive id; the bench seeds archive
//   ids as archiveEpochUs + seq, so the page's seqs are its ids minus that epoch.
// - sync.get → nothing to ask: XMPP pushes stored offline messages after the initial presence, through onUpdate.
// - ping → XEP-0199 ping, on the Feige client's schedule (heartbeatMs).
import WebSocket from 'ws';
import { heartbeatMs } from './client.mjs';
import { el, escapeXml, localOf, mamQuery, NS, parseXml, resourceOf, saslPlain } from './xmpp.mjs';

/** Archive ids (ejabberd: µs timestamps) of seeded history are this + seq. */
export const archiveEpochUs = 1_700_000_000_000_000;

const openFrame = (domain) => el('open', { xmlns: NS.framing, to: domain, version: '1.0' });

export class XmppClient {
  /**
   * @param target { kind: 'xmpp', wsUrl, domain, streamManagement? }
   * @param user { id (the JID's local part), password, rooms?: [room JID] joined at connect with nick = id }
   */
  constructor(target, user, { localAddress, onUpdate = () => undefined, onClose = () => undefined } = {}) {
    this.target = target;
    this.user = user;
    this.localAddress = localAddress;
    this.onUpdate = onUpdate;
    this.onClose = onClose;
    this.ws = null;
    this.open = false;
    this.heartbeat = null;
    this.nextId = 1;
    /** iq id → cb(error, element) */
    this.iqs = new Map();
    /** MAM queryid → collected result messages */
    this.mam = new Map();
    /** Stream management: stanzas sent/handled since <enable/>, and sends waiting for an <a h>. */
    this.sm = { on: false, out: 0, in: 0, waiting: [], asked: false };
    /** message id → send cb, until acked (a bounce of type="error" fails it instead). */
    this.unacked = new Map();
    this.handle = null;
  }

  jid(local) {
    return `${local}@${this.target.domain}`;
  }

  connect(cb, timeoutMs = 30_000) {
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) this.ws?.terminate();
      cb(error ?? null);
    };
    const timer = setTimeout(() => finish(new Error('connect timed out')), timeoutMs);
    const ws = new WebSocket(this.target.wsUrl, 'xmpp', { perMessageDeflate: false, localAddress: this.localAddress, handshakeTimeout: timeoutMs });
    this.ws = ws;
    ws.on('error', (error) => finish(error));
    ws.on('close', (code, reason) => {
      this.open = false;
      clearInterval(this.heartbeat);
      for (const [, entry] of this.iqs) entry({ code: 'socket.closed' }, null);
      this.iqs.clear();
      for (const [, send] of this.unacked) send.cb({ code: 'socket.closed' });
      this.unacked.clear();
      finish(new Error(`closed ${code} ${reason}`));
      this.onClose(this, code, String(reason));
    });
    ws.on('message', (data) => {
      let stanza;
      try {
        stanza = parseXml(String(data));
      } catch (error) {
        return finish(new Error(`bad XML from the server: ${error.message}`));
      }
      return this.handle(stanza);
    });
    ws.on('open', () => {
      this.open = true;
      this.login(finish);
    });
  }

  /** The login dialogue, one step per server element; then the normal handler takes over. */
  login(finish) {
    const { domain } = this.target;
    let step = 'features';
    const fail = (why) => finish(new Error(why));
    this.handle = (s) => {
      if (s.name === 'open') return undefined;
      if (s.name === 'close') return fail('stream closed by the server');
      if (s.name === 'stream:error') return fail(`stream error: ${s.children[0]?.name ?? '?'}`);
      if (step === 'features' && s.name === 'stream:features') {
        step = 'auth';
        return this.raw(el('auth', { xmlns: NS.sasl, mechanism: 'PLAIN' }, saslPlain(this.user.id, this.user.password)));
      }
      if (step === 'auth') {
        if (s.name !== 'success') return fail(`auth failed: ${s.children[0]?.name ?? s.name}`);
        step = 'features2';
        return this.raw(openFrame(domain));
      }
      if (step === 'features2' && s.name === 'stream:features') {
        step = 'bind';
        return this.raw(el('iq', { type: 'set', id: 'bind' }, el('bind', { xmlns: NS.bind }, el('resource', {}, 'bench'))));
      }
      if (step === 'bind' && s.name === 'iq') {
        if (s.attrs.type !== 'result') return fail('bind failed');
        if (!this.target.streamManagement) return this.ready(finish);
        step = 'enable';
        return this.raw(el('enable', { xmlns: NS.sm }));
      }
      if (step === 'enable' && (s.name === 'enabled' || s.name === 'failed')) {
        this.sm.on = s.name === 'enabled';
        return this.ready(finish);
      }
      return undefined;
    };
    this.raw(openFrame(domain));
  }

  /** After bind: initial presence, room joins, heartbeat; then the connect callback. */
  ready(finish) {
    this.handle = (x) => this.onStanza(x);
    // Initial presence makes the session available (bare-JID messages and stored offline messages come to it); the
    // ping's answer says the server has handled it.
    this.send(el('presence'));
    this.iq(el('ping', { xmlns: NS.ping }), 'get', null, (error) => {
      if (error) return finish(new Error(`ping after presence: ${error.code}`));
      return this.joinRooms(this.user.rooms ?? [], (joinError) => {
        if (joinError) return finish(new Error(joinError));
        this.heartbeat = setInterval(() => this.request('ping', {}, () => undefined), heartbeatMs);
        this.heartbeat.unref();
        return finish();
      });
    });
  }

  /** Joins rooms one after the other (nick = user id, no history replay); cb(error) once the last self-presence is in. */
  joinRooms(rooms, cb) {
    if (rooms.length === 0) return cb(null);
    const [room, ...rest] = rooms;
    this.joining = { room, cb: (error) => (error ? cb(error) : this.joinRooms(rest, cb)) };
    this.send(el('presence', { to: `${room}/${this.user.id}` }, el('x', { xmlns: NS.muc }, el('history', { maxstanzas: '0' }))));
    return undefined;
  }

  raw(xml) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(xml);
  }

  /** Sends a stanza (counted for stream management). */
  send(xml) {
    if (this.sm.on) this.sm.out++;
    this.raw(xml);
  }

  iq(payload, type, to, cb) {
    const id = `q${this.nextId++}`;
    this.iqs.set(id, cb);
    this.send(el('iq', { type, id, to: to ?? undefined }, payload));
    return id;
  }

  onStanza(s) {
    if (s.name === 'r') return this.raw(el('a', { xmlns: NS.sm, h: String(this.sm.in) }));
    if (s.name === 'a') return this.acked(Number(s.attrs.h));
    if (s.name === 'close') return this.ws.close();
    if (this.sm.on && (s.name === 'message' || s.name === 'presence' || s.name === 'iq')) this.sm.in++;
    if (s.name === 'message') return this.onMessage(s);
    if (s.name === 'iq') return this.onIq(s);
    if (s.name === 'presence' && this.joining) return this.onRoomPresence(s);
    return undefined;
  }

  onRoomPresence(s) {
    const { room, cb } = this.joining;
    if (!s.attrs.from?.startsWith(`${room}/`)) return;
    if (s.attrs.type === 'error') {
      this.joining = null;
      cb(`joining ${room} failed: ${s.child('error')?.children[0]?.name ?? 'error'}`);
      return;
    }
    const x = s.child('x', NS.mucUser);
    if (x?.children.some((c) => c.name === 'status' && c.attrs.code === '110')) {
      this.joining = null;
      cb(null);
    }
  }

  onIq(s) {
    const cb = this.iqs.get(s.attrs.id);
    if (cb && (s.attrs.type === 'result' || s.attrs.type === 'error')) {
      this.iqs.delete(s.attrs.id);
      const condition = s.child('error')?.children[0]?.name;
      return cb(s.attrs.type === 'error' ? { code: `xmpp.${condition ?? 'error'}` } : null, s);
    }
    // A request from the server (e.g. its ping): answer so it never times the session out.
    if (s.attrs.type === 'get' || s.attrs.type === 'set') this.send(el('iq', { type: 'result', id: s.attrs.id, to: s.attrs.from }));
    return undefined;
  }

  onMessage(s) {
    const result = s.child('result', NS.mam);
    if (result) {
      this.mam.get(result.attrs.queryid)?.push(result);
      return;
    }
    if (s.attrs.type === 'error') {
      const send = this.unacked.get(s.attrs.id);
      if (send) {
        this.unacked.delete(s.attrs.id);
        send.cb({ code: `xmpp.${s.child('error')?.children[0]?.name ?? 'error'}` });
      }
      return;
    }
    const text = s.childText('body');
    if (text === null) return;
    const from = s.attrs.from ?? '';
    const senderId = s.attrs.type === 'groupchat' ? resourceOf(from) : localOf(from);
    this.onUpdate(this, { type: 'message.new', message: { senderId, clientMsgId: s.attrs.id ?? idInText(text), text, conversationId: from } });
  }

  /** Every send with a stanza count ≤ h is acked. */
  acked(h) {
    const waiting = this.sm.waiting;
    let k = 0;
    while (k < waiting.length && waiting[k].n <= h) {
      const send = waiting[k++];
      if (this.unacked.delete(send.id)) send.cb(null);
    }
    if (k > 0) this.sm.waiting = waiting.slice(k);
  }

  sendMessage(conversationId, to, clientMsgId, text, cb) {
    if (!this.open) return cb({ code: 'socket.closed' });
    const group = to.startsWith('g:');
    this.send(el('message', { to: group ? conversationId : this.jid(to), type: group ? 'groupchat' : 'chat', id: clientMsgId }, el('body', {}, escapeXml(text))));
    // Without stream management XMPP has no send ack: say so, and the worker records none.
    if (!this.sm.on) return cb(null, { noAck: true });
    const send = { id: clientMsgId, n: this.sm.out, cb };
    this.unacked.set(clientMsgId, send);
    this.sm.waiting.push(send);
    // One <r/> per event-loop turn covers every send of that turn.
    if (!this.sm.asked) {
      this.sm.asked = true;
      setImmediate(() => {
        this.sm.asked = false;
        this.raw(el('r', { xmlns: NS.sm }));
      });
    }
    return undefined;
  }

  request(op, data, cb) {
    if (!this.open) return cb({ code: 'socket.closed' }, null);
    if (op === 'ping') return void this.iq(el('ping', { xmlns: NS.ping }), 'get', null, (error) => cb(error, {}));
    if (op === 'sync.get') return cb(null, { updates: [], hasMore: false, pts: 0 });
    if (op === 'messages.history') return this.history(data, cb);
    return cb({ code: 'request.unknown_op' }, null);
  }

  /** One MAM page: data = { conversationId: the peer's local part, beforeSeq, limit } → { messages: [{ seq, … }] }. */
  history({ conversationId, beforeSeq, limit }, cb) {
    const queryId = `m${this.nextId++}`;
    const results = [];
    this.mam.set(queryId, results);
    const id = `q${this.nextId++}`;
    this.iqs.set(id, (error) => {
      this.mam.delete(queryId);
      if (error) return cb(error, null);
      const messages = results.map((r) => {
        const inner = r.child('forwarded', NS.forward)?.child('message');
        return { seq: Number(r.attrs.id) - archiveEpochUs, text: inner?.childText('body') ?? null };
      });
      return cb(null, { messages });
    });
    this.send(mamQuery(id, queryId, this.jid(conversationId), String(archiveEpochUs + beforeSeq), limit));
  }

  close() {
    clearInterval(this.heartbeat);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.terminate();
  }
}

/** The clientMsgId the generator writes after the send time: "t=<µs>;<id> …". */
function idInText(text) {
  const semi = text.indexOf(';');
  const space = text.indexOf(' ', semi);
  return semi < 0 ? '' : text.slice(semi + 1, space < 0 ? undefined : space);
}
