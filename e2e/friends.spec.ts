import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { UserPage, UserPageOptions } from './harness';
import { browserWorld } from './world';
import {
  chatRegion,
  conversationItem,
  expectText,
  mainNav,
  messageItem,
  navButton,
  newUser,
  registerUi,
  sendMessage,
  waitHidden,
  waitMessageStatus,
  waitVisible,
} from './ui';

/** Set on the page's window; still there later means the page was never reloaded in between. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload = true;
  });
}

async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload === true);
}

function pageErrors(user: UserPage): string[] {
  return user.errors.filter((e) => e.startsWith('pageerror:'));
}

describe('friends', () => {
  const world = browserWorld();

  const open = (options: UserPageOptions = {}): Promise<UserPage> => world.open(options);


  it('a request found by a differently-cased username arrives live, and once accepted both sides chat without a reload', async () => {
    const alice = newUser('alice');
    const bob = newUser('bob');
    const note = `Hi Bob, it's Alice from the e2e run`;
    const a = await open();
    const b = await open();
    await registerUi(a.page, alice);
    await registerUi(b.page, bob);
    await markPage(a.page);
    await markPage(b.page);
    await navButton(a.page, 'Friends').click();
    await navButton(b.page, 'Friends').click();
    await waitVisible(b.page.getByText('No new requests.', { exact: true }));

    // Alice finds Bob by his username in another letter case and sends a request with a note.
    const query = bob.username.toUpperCase();
    expect(query).not.toBe(bob.username);
    await a.page.getByRole('searchbox', { name: 'Search users' }).fill(query);
    await a.page.getByRole('button', { name: 'Search', exact: true }).click();
    const result = a.page
      .getByRole('list', { name: 'Search results' })
      .getByRole('listitem')
      .filter({ hasText: bob.displayName });
    await waitVisible(result);
    await a.page.getByRole('textbox', { name: 'Note (optional)' }).fill(note);
    await result.getByRole('button', { name: 'Add friend' }).click();
    await waitVisible(result.getByText('Request sent', { exact: true }));
    await waitVisible(
      a.page.getByRole('list', { name: 'Sent requests' }).getByRole('listitem').filter({ hasText: bob.displayName }),
    );

    // Bob sees it arrive under "Incoming requests", note included, and accepts.
    const incoming = b.page
      .getByRole('list', { name: 'Incoming requests' })
      .getByRole('listitem')
      .filter({ hasText: alice.displayName });
    await waitVisible(incoming);
    await waitVisible(incoming.getByText(note, { exact: true }));
    await incoming.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitHidden(incoming);
    await waitVisible(
      b.page.getByRole('list', { name: 'Friend list' }).getByRole('listitem').filter({ hasText: alice.displayName }),
    );

    // Alice's friend list shows Bob without a reload, and her search result says so too.
    const friend = a.page
      .getByRole('list', { name: 'Friend list' })
      .getByRole('listitem')
      .filter({ hasText: bob.displayName });
    await waitVisible(friend);
    await waitVisible(result.getByText('Already friends', { exact: true }));

    // Alice opens the chat and writes; Bob gets it live.
    await friend.getByRole('button', { name: 'Open chat', exact: true }).click();
    await waitVisible(chatRegion(a.page, bob.displayName));
    await sendMessage(a.page, 'Hello Bob, we are friends now');
    await waitMessageStatus(a.page, 'Hello Bob, we are friends now', /^(Sent|Read)$/u);

    await navButton(b.page, 'Chats').click();
    const row = conversationItem(b.page, alice.displayName);
    await expectText(row, /Hello Bob, we are friends now.*1 unread message/u);
    await row.click();
    await waitVisible(chatRegion(b.page, alice.displayName));
    await waitVisible(messageItem(b.page, 'Hello Bob, we are friends now'));
    // Bob has read it: Alice sees the receipt.
    await waitMessageStatus(a.page, 'Hello Bob, we are friends now', /^Read$/u);

    expect(await wasNotReloaded(a.page)).toBe(true);
    expect(await wasNotReloaded(b.page)).toBe(true);
    expect(pageErrors(a)).toEqual([]);
    expect(pageErrors(b)).toEqual([]);
  });

  it('a Chinese browser gets the login screen in Chinese, and the Settings language switch turns the UI into English', async () => {
    const user = newUser('wang');
    const zh = await open({ locale: 'zh-CN' });
    const page = zh.page;

    await waitVisible(page.getByRole('button', { name: '登录', exact: true }));
    await waitVisible(page.getByRole('textbox', { name: '用户名' }));
    expect(await page.getByRole('button', { name: 'Log in', exact: true }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // Register in Chinese.
    await page.getByRole('button', { name: '创建新账号', exact: true }).click();
    await page.getByRole('textbox', { name: '用户名' }).fill(user.username);
    await page.getByRole('textbox', { name: '昵称' }).fill('小王');
    await page.getByLabel('密码', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: '注册', exact: true }).click();
    const zhNav = page.getByRole('navigation', { name: '主导航' });
    await waitVisible(zhNav);

    await zhNav.getByRole('button', { name: '设置', exact: true }).click();
    await waitVisible(page.getByRole('button', { name: '退出登录', exact: true }));
    const english = page.getByRole('radio', { name: 'English', exact: true });
    expect(await page.getByRole('radio', { name: '中文', exact: true }).isChecked()).toBe(true);
    await english.check();

    await waitVisible(page.getByRole('button', { name: 'Log out', exact: true }));
    await waitVisible(mainNav(page).getByRole('button', { name: 'Settings', exact: true }));
    await waitVisible(page.getByRole('list', { name: 'Signed-in devices' }));
    expect(await english.isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: '退出登录', exact: true }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(pageErrors(zh)).toEqual([]);
  });
});
