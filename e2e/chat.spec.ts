import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { UserPage } from './harness';
import { browserWorld } from './world';
import { startNetProxy, type NetProxy } from './net-proxy';
import {
  chatLog,
  connectionBanner,
  conversationItem,
  expectCount,
  expectText,
  friendsWithChat,
  loginUi,
  messageItem,
  messageTexts,
  openChat,
  sendMessage,
  waitMessageStatus,
  waitOnline,
  waitVisible,
  type ApiUser,
} from './ui';

/** Reconnecting after an outage waits out the SDK's jittered backoff (500 ms · 2^attempt, full jitter). */
const reconnectMs = 45_000;
const outageTestMs = 100_000;
const phone = { width: 360, height: 740 };

async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload = true;
  });
}

async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload === true);
}

/** The banner says the socket is gone (between attempts it reads "Offline. Reconnecting…"). */
async function waitOfflineBanner(page: Page): Promise<void> {
  await expectText(connectionBanner(page), /^Offline\. Reconnecting…$/u, 15_000);
}

describe('chat', () => {
  const world = browserWorld();

  interface Side {
    user: ApiUser;
    ui: UserPage;
    page: Page;
    proxy: NetProxy | null;
  }

  /**
   * Two fresh friends with their conversation (and `seed` messages from A), each signed in in their own context.
   * A side with `proxy` reaches the app only through its own cuttable TCP proxy.
   */
  async function pair(
    options: { proxyA?: boolean; proxyB?: boolean; seed?: string[]; viewport?: { width: number; height: number } } = {},
  ): Promise<{ a: Side; b: Side }> {
    const friends = await friendsWithChat(world.app.url, options.seed);
    const side = async (user: ApiUser, proxied: boolean): Promise<Side> => {
      const proxy = proxied ? await startNetProxy(world.app.url) : null;
      if (proxy) world.onTeardown(() => proxy.close());
      const ui = await world.open({ url: proxy?.url ?? world.app.url, ...(options.viewport ? { viewport: options.viewport } : {}) });
      await loginUi(ui.page, user);
      await waitOnline(ui.page);
      return { user, ui, page: ui.page, proxy };
    };
    return { a: await side(friends.a, options.proxyA === true), b: await side(friends.b, options.proxyB === true) };
  }


  it(
    "B's socket drops while the chat is open (no reload); A sends 3 numbered messages; when B reconnects by itself, " +
      'the open chat shows all 3 in order exactly once, and the conversation list preview and unread state are right',
    async () => {
      const { a, b } = await pair({ proxyB: true, seed: ['before the outage'] });
      const proxy = b.proxy;
      if (!proxy) throw new Error('B has no proxy');
      await openChat(a.page, b.user.displayName);
      await openChat(b.page, a.user.displayName);
      await waitVisible(messageItem(b.page, 'before the outage'));
      await markPage(b.page);

      proxy.cut();
      await waitOfflineBanner(b.page);

      const numbered = ['number 1', 'number 2', 'number 3'];
      for (const text of numbered) await sendMessage(a.page, text);
      // Stored by the server (acked), and not read: B is away.
      for (const text of numbered) await waitMessageStatus(a.page, text, /^Sent$/u);
      // B really was cut off: nothing arrived meanwhile.
      expect(await messageTexts(b.page)).toEqual(['before the outage']);

      proxy.restore();
      await waitOnline(b.page, reconnectMs);

      const expected = ['before the outage', ...numbered];
      await expect.poll(() => messageTexts(b.page), { timeout: 15_000, interval: 100 }).toEqual(expected);
      for (const text of numbered) await expectCount(messageItem(b.page, text), 1);

      // The list: the newest message is the preview, and the open chat leaves nothing unread.
      const row = conversationItem(b.page, a.user.displayName);
      await waitVisible(row.getByText('number 3', { exact: true }));
      await expectCount(row.getByText(/unread message/u), 0);
      await expectCount(b.page.getByRole('button', { name: /unread message/u }), 0);
      // B has the chat open, so A's last message becomes read.
      await waitMessageStatus(a.page, 'number 3', /^Read$/u);

      // Still exactly once each after everything settled (sync, newest-page refresh, read marks), without a reload.
      expect(await messageTexts(b.page)).toEqual(expected);
      expect(await messageTexts(a.page)).toEqual(expected);
      expect(await wasNotReloaded(b.page)).toBe(true);
    },
    outageTestMs,
  );

  it(
    'messages written while offline show "Sending…", go out by themselves after reconnecting, and arrive once each in order',
    async () => {
      const { a, b } = await pair({ proxyA: true });
      const proxy = a.proxy;
      if (!proxy) throw new Error('A has no proxy');
      await openChat(a.page, b.user.displayName);
      await openChat(b.page, a.user.displayName);
      await markPage(a.page);

      proxy.cut();
      await waitOfflineBanner(a.page);
      const texts = ['offline 1', 'offline 2', 'offline 3'];
      for (const text of texts) await sendMessage(a.page, text);
      for (const text of texts) await waitMessageStatus(a.page, text, /^Sending…$/u);
      expect(await messageTexts(a.page)).toEqual(texts);
      expect(await messageTexts(b.page)).toEqual([]);

      proxy.restore();
      for (const text of texts) await waitMessageStatus(a.page, text, /^(Sent|Read)$/u, reconnectMs);
      await expect.poll(() => messageTexts(b.page), { timeout: 15_000, interval: 100 }).toEqual(texts);
      for (const text of texts) await expectCount(messageItem(b.page, text), 1);
      expect(await messageTexts(a.page)).toEqual(texts);
      await expectCount(a.page.getByText('Sending…', { exact: true }), 0);
      await expectCount(a.page.getByText('Not sent', { exact: true }), 0);
      expect(await wasNotReloaded(a.page)).toBe(true);
    },
    outageTestMs,
  );

  it('a message shows "Read" once the peer opens the chat', async () => {
    const { a, b } = await pair();
    await openChat(a.page, b.user.displayName);
    await sendMessage(a.page, 'are you there?');
    await waitMessageStatus(a.page, 'are you there?', /^Sent$/u);

    // B sees it arrive in the list, unread, without opening the chat: A's message is delivered, not read.
    const row = conversationItem(b.page, a.user.displayName);
    await expectText(row, /are you there\?.*1 unread message/u);
    await expectCount(row.getByText(/unread message/u), 1);
    await expectCount(b.page.getByRole('button', { name: /are you there\?.*1 unread message/u }), 1);
    await waitVisible(messageItem(a.page, 'are you there?').getByText('Sent', { exact: true }));

    await row.click();
    await waitVisible(messageItem(b.page, 'are you there?'));
    await waitMessageStatus(a.page, 'are you there?', /^Read$/u);
    await expectCount(row.getByText(/unread message/u), 0);
    await expectCount(b.page.getByRole('button', { name: /unread message/u }), 0);
  });

  it('markup in a message is shown as literal text and never runs', async () => {
    const { a, b } = await pair();
    const payloads = ['<img src=x onerror=alert(1)>', '<script>window.__pwned=1</script>'];
    const dialogs: string[] = [];
    for (const side of [a, b]) side.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await openChat(a.page, b.user.displayName);
    await openChat(b.page, a.user.displayName);
    for (const text of payloads) await sendMessage(a.page, text);

    for (const side of [a, b]) {
      await expect.poll(() => messageTexts(side.page), { timeout: 10_000, interval: 100 }).toEqual(payloads);
      for (const text of payloads) await waitVisible(messageItem(side.page, text));
      expect(await side.page.evaluate(() => document.querySelector('[role=log] img, [role=log] script'))).toBeNull();
      expect(await side.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    }
    // The list preview is literal too.
    await waitVisible(conversationItem(b.page, a.user.displayName).getByText(payloads[1] ?? '', { exact: true }));
    for (const side of [a, b]) {
      const injected = await side.page.evaluate(() => ({
        img: document.querySelector('img[src="x"]') !== null,
        script: Array.from(document.scripts).some((s) => (s.textContent ?? '').includes('__pwned')),
      }));
      expect(injected).toEqual({ img: false, script: false });
    }
    expect(dialogs).toEqual([]);
  });

  it('on a 360 px phone a 4,000-character word wraps inside its bubble and nothing scrolls sideways', async () => {
    const { a, b } = await pair({ viewport: phone, seed: ['short'] });
    const long = 'W'.repeat(3000) + '飞'.repeat(500) + 'x'.repeat(500);
    expect(long.length).toBe(4000);
    await openChat(a.page, b.user.displayName);
    await openChat(b.page, a.user.displayName);
    // Phone layout: the chat replaces the list and offers a way back.
    await waitVisible(b.page.getByRole('button', { name: 'Back', exact: true }));
    await sendMessage(a.page, long);
    await waitMessageStatus(a.page, long, /^(Sent|Read)$/u);

    for (const side of [a, b]) {
      const page = side.page;
      const item = messageItem(page, long);
      await waitVisible(item);
      const text = item.getByRole('paragraph');
      expect(await text.textContent()).toBe(long);
      const itemBox = await item.boundingBox();
      const textBox = await text.boundingBox();
      const shortBox = await messageItem(page, 'short').getByRole('paragraph').boundingBox();
      if (!itemBox || !textBox || !shortBox) throw new Error('message not laid out');
      // Inside the viewport, and wrapped onto many lines rather than one very long one.
      expect(itemBox.x).toBeGreaterThanOrEqual(0);
      expect(itemBox.x + itemBox.width).toBeLessThanOrEqual(phone.width);
      expect(textBox.x).toBeGreaterThanOrEqual(itemBox.x);
      expect(textBox.x + textBox.width).toBeLessThanOrEqual(itemBox.x + itemBox.width);
      expect(textBox.height).toBeGreaterThan(shortBox.height * 10);

      const widths = await page.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        inner: window.innerWidth,
      }));
      expect(widths.doc).toBeLessThanOrEqual(widths.inner);
      expect(widths.body).toBeLessThanOrEqual(widths.inner);
      const log = await chatLog(page).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(log.scroll).toBeLessThanOrEqual(log.client);
      // The page itself cannot be scrolled sideways either.
      const scrolledX = await page.evaluate(() => {
        window.scrollTo(500, window.scrollY);
        return window.scrollX;
      });
      expect(scrolledX).toBe(0);
    }
  });

  it('emoji sequences (family, skin tone, flag) arrive intact and the list preview never splits them', async () => {
    const { a, b } = await pair();
    const emoji = '👩‍👩‍👧‍👦 👍🏽 🇨🇳';
    // 58 letters, then two emoji clusters: the preview cuts after 60 graphemes, right after the family.
    const longer = `${'x'.repeat(58)}👍🏽👩‍👩‍👧‍👦${'🇨🇳'.repeat(3)}`;
    await openChat(a.page, b.user.displayName);

    await sendMessage(a.page, emoji);
    const row = conversationItem(b.page, a.user.displayName);
    await waitVisible(row.getByText(emoji, { exact: true }));
    await waitVisible(conversationItem(a.page, b.user.displayName).getByText(`You: ${emoji}`, { exact: true }));

    await openChat(b.page, a.user.displayName);
    await expect.poll(() => messageTexts(b.page), { timeout: 10_000, interval: 100 }).toEqual([emoji]);

    await sendMessage(a.page, longer);
    await expect.poll(() => messageTexts(b.page), { timeout: 10_000, interval: 100 }).toEqual([emoji, longer]);
    expect(await messageTexts(a.page)).toEqual([emoji, longer]);
    await waitVisible(row.getByText(`${'x'.repeat(58)}👍🏽👩‍👩‍👧‍👦…`, { exact: true }));
  });
});
