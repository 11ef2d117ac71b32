import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { UserPage, UserPageOptions } from './harness';
import { browserWorld } from './world';
import {
  apiLogout,
  apiRegister,
  chatRegion,
  conversationItem,
  expectCount,
  expectText,
  fillCredentials,
  friendsWithChat,
  loginUi,
  mainNav,
  messageTexts,
  navButton,
  newUser,
  openChat,
  sendMessage,
  waitHidden,
  waitMessageStatus,
  waitOnline,
  waitVisible,
} from './ui';

function loginButton(page: Page) {
  return page.getByRole('button', { name: 'Log in', exact: true });
}

async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload = true;
  });
}

async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload === true);
}

describe('account', () => {
  const world = browserWorld();

  const open = (options: UserPageOptions = {}): Promise<UserPage> => world.open(options);


  it('registering a username that is taken in another letter case shows an error and stays on the form', async () => {
    const existing = await apiRegister(world.app.url, newUser('carol'));
    await apiLogout(world.app.url, existing);
    const { page } = await open();

    await page.getByRole('button', { name: 'Create an account', exact: true }).click();
    const clash = { ...newUser('carol'), username: existing.username.toUpperCase() };
    expect(clash.username).not.toBe(existing.username);
    await fillCredentials(page, clash, true);
    await page.getByRole('button', { name: 'Register', exact: true }).click();

    await expectText(page.getByRole('alert'), 'That username is already taken.');
    await waitVisible(page.getByRole('button', { name: 'Register', exact: true }));
    expect(await mainNav(page).count()).toBe(0);
  });

  it('logging out returns to the login screen, and logging in again restores the conversation list and its history', async () => {
    const { a, b } = await friendsWithChat(world.app.url, ['first', 'second', 'third']);
    await apiLogout(world.app.url, a);
    await apiLogout(world.app.url, b);
    const { page } = await open();
    await loginUi(page, b);

    const row = conversationItem(page, a.displayName);
    await expectText(row, /third.*3 unread messages/u);
    await openChat(page, a.displayName);
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['first', 'second', 'third']);
    await sendMessage(page, 'reply from bob');
    await waitMessageStatus(page, 'reply from bob', /^(Sent|Read)$/u);

    await navButton(page, 'Settings').click();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitVisible(loginButton(page));
    await waitVisible(page.getByRole('textbox', { name: 'Username' }));
    await expectCount(mainNav(page), 0);
    await expectCount(page.getByRole('list', { name: 'Conversations' }), 0);

    await loginUi(page, b);
    await waitVisible(row.getByText('You: reply from bob', { exact: true }));
    await expectCount(row.getByText(/unread message/u), 0);
    await openChat(page, a.displayName);
    await expect
      .poll(() => messageTexts(page), { timeout: 10_000 })
      .toEqual(['first', 'second', 'third', 'reply from bob']);
  });

  it('a second device is listed under "Signed-in devices", and revoking it from the first signs the second out without a reload', async () => {
    const user = await apiRegister(world.app.url, newUser('dave'));
    await apiLogout(world.app.url, user);
    const first = await open();
    const second = await open();
    await loginUi(first.page, user);
    await loginUi(second.page, user);
    await waitOnline(second.page);
    await markPage(second.page);

    await navButton(first.page, 'Settings').click();
    const devices = first.page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    await expectCount(devices, 2);
    const here = devices.filter({ hasText: 'This device' });
    const other = devices.filter({ hasNotText: 'This device' });
    await expectCount(here, 1);
    await expectCount(here.getByRole('button', { name: 'Revoke' }), 0);
    await expectCount(other, 1);

    await other.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expectCount(devices, 1);

    // The second device drops to the login screen by itself, and says why.
    await waitVisible(loginButton(second.page));
    await expectCount(mainNav(second.page), 0);
    await waitVisible(second.page.getByText(/This device was signed out/u));
    expect(await wasNotReloaded(second.page)).toBe(true);
    // The token is gone for good: a reload does not sign it back in.
    await second.page.reload();
    await waitVisible(loginButton(second.page));
    await expectCount(mainNav(second.page), 0);

    // The first device is untouched.
    await waitOnline(first.page);
    await waitVisible(mainNav(first.page));
    await waitHidden(loginButton(first.page));
  });

  it('a reload keeps the session and the chat history', async () => {
    const { a, b } = await friendsWithChat(world.app.url, ['kept 1', 'kept 2']);
    await apiLogout(world.app.url, b);
    const { page } = await open();
    await loginUi(page, b);
    await openChat(page, a.displayName);
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['kept 1', 'kept 2']);
    await sendMessage(page, 'kept 3');
    await waitMessageStatus(page, 'kept 3', /^(Sent|Read)$/u);

    await page.reload();
    await waitVisible(mainNav(page));
    await expectCount(loginButton(page), 0);
    await waitVisible(conversationItem(page, a.displayName).getByText('You: kept 3', { exact: true }));
    await openChat(page, a.displayName);
    await waitVisible(chatRegion(page, a.displayName));
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['kept 1', 'kept 2', 'kept 3']);
    await waitOnline(page);
  });
});
