import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiCreateGroup, apiFailure, composer, memberRow, openGroupInfo, systemEvent, timelineTexts, usersAroundFirst } from './groups-ui';
import type { UserPage, UserPageOptions } from './harness';
import { browserWorld } from './world';
import {
  apiCall,
  apiSend,
  chatRegion,
  conversationItem,
  expectCount,
  expectText,
  loginUi,
  messageItem,
  newUser,
  openChat,
  registerUi,
  sendMessage,
  waitHidden,
  waitOnline,
  waitVisible,
  type ApiUser,
} from './ui';

async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload = true;
  });
}

async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload === true);
}

/** The Chinese login form (the browser asks for zh-CN), then the main screen, online. */
async function loginZh(page: Page, user: ApiUser): Promise<void> {
  await page.getByRole('textbox', { name: '用户名' }).fill(user.username);
  await page.getByLabel('密码', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await waitVisible(page.getByRole('navigation', { name: '主导航' }));
  await expectText(page.getByRole('status', { name: '连接状态' }), /^$/u);
}

describe('groups', () => {
  const world = browserWorld();

  const open = (options: UserPageOptions = {}): Promise<UserPage> => world.open(options);

  async function signIn(user: ApiUser): Promise<Page> {
    const ui = await open();
    await loginUi(ui.page, user);
    await waitOnline(ui.page);
    return ui.page;
  }


  it('a group is created with two friends, chats with "read by", is renamed (each member reads it in their language), invites a third friend, admits a new user by invite link and loses a member who leaves', async () => {
    const [alice, bob, carol, dave] = await usersAroundFirst(world.app.url, ['alice', 'bob', 'carol', 'dave']);
    if (!alice || !bob || !carol || !dave) throw new Error('setup made too few users');

    // Alice creates the group in the UI: a name and two friends.
    const aUi = await open();
    const a = aUi.page;
    await loginUi(a, alice);
    await waitOnline(a);
    await a.getByRole('button', { name: 'New group', exact: true }).click();
    const create = a.getByRole('dialog', { name: 'New group' });
    await create.getByRole('textbox', { name: 'Group name' }).fill('Hikers');
    await create.getByRole('checkbox', { name: bob.displayName }).check();
    await create.getByRole('checkbox', { name: carol.displayName }).check();
    await create.getByRole('button', { name: 'Create group', exact: true }).click();
    await waitVisible(chatRegion(a, 'Hikers'));
    await waitVisible(systemEvent(a, `You created the group “Hikers” with ${bob.displayName} and ${carol.displayName}`));

    // Bob (English) and Carol (Chinese) find it in their lists and open it.
    const b = await signIn(bob);
    await openChat(b, 'Hikers');
    await waitVisible(systemEvent(b, `${alice.displayName} created the group “Hikers” with you and ${carol.displayName}`));
    const cUi = await open({ locale: 'zh-CN' });
    const c = cUi.page;
    await loginZh(c, carol);
    await c.getByRole('list', { name: '会话列表' }).getByRole('button', { name: /^Hikers/u }).click();
    await waitVisible(c.getByRole('region', { name: '与 Hikers 的聊天' }));

    // Chat: everyone gets it, with the sender's name; Alice sees who has read hers.
    await sendMessage(a, 'hello group');
    await waitVisible(messageItem(b, 'hello group'));
    await waitVisible(c.getByRole('log', { name: '聊天记录' }).getByText('hello group', { exact: true }));
    await sendMessage(b, 'hi all');
    await waitVisible(messageItem(a, 'hi all').getByText(bob.displayName, { exact: true }));
    const readBy = messageItem(a, 'hello group').getByRole('button', { name: 'Read by 2', exact: true });
    await waitVisible(readBy);
    await readBy.click();
    const readers = a.getByRole('dialog', { name: 'Read by' });
    // The list loads when the dialog opens: wait for both names before reading them.
    await expectCount(readers.getByRole('list', { name: 'Readers' }).getByRole('listitem'), 2);
    const names = await readers.getByRole('list', { name: 'Readers' }).getByRole('listitem').allTextContents();
    expect(names.sort()).toEqual([bob.displayName, carol.displayName].sort());
    await readers.getByRole('button', { name: 'Close', exact: true }).click();
    await waitHidden(readers);

    // Rename: a system event in every timeline, worded in each reader's language.
    const panel = await openGroupInfo(a);
    await panel.getByRole('button', { name: 'Rename', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Group name' }).fill('Weekend hikers');
    await panel.getByRole('button', { name: 'Save name', exact: true }).click();
    await waitVisible(systemEvent(a, 'You renamed the group to “Weekend hikers”'));
    await waitVisible(systemEvent(b, `${alice.displayName} renamed the group to “Weekend hikers”`));
    await waitVisible(systemEvent(c, `${alice.displayName} 将群名改为“Weekend hikers”`, '聊天记录'));
    await waitVisible(chatRegion(b, 'Weekend hikers'));

    // Invite a third friend.
    await panel.getByRole('button', { name: 'Invite friends', exact: true }).click();
    const invite = a.getByRole('dialog', { name: 'Invite friends' });
    await invite.getByRole('checkbox', { name: dave.displayName }).check();
    await invite.getByRole('button', { name: 'Invite', exact: true }).click();
    await waitHidden(invite);
    await waitVisible(systemEvent(a, `You invited ${dave.displayName}`));
    await waitVisible(systemEvent(b, `${alice.displayName} invited ${dave.displayName}`));
    await waitVisible(memberRow(a, dave.displayName));

    // An invite link, copied, opened by someone new who registers and joins.
    await aUi.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await panel.getByRole('button', { name: 'Create invite link', exact: true }).click();
    const linkField = panel.getByRole('textbox', { name: 'Invite link' }).first();
    await waitVisible(linkField);
    const link = await linkField.inputValue();
    expect(link).toMatch(new RegExp(`^${world.app.url}/#/join/[A-Za-z0-9_-]{16,}$`, 'u'));
    await panel.getByRole('button', { name: 'Copy link' }).first().click();
    await waitVisible(panel.getByText('Link copied.', { exact: true }));
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(link);

    const eve = newUser('eve');
    const eUi = await open({ path: link });
    const e = eUi.page;
    await registerUi(e, eve);
    const join = e.getByRole('dialog', { name: 'Join with link' });
    await waitVisible(join);
    await join.getByRole('button', { name: 'Join group', exact: true }).click();
    await waitVisible(chatRegion(e, 'Weekend hikers'));
    await waitVisible(systemEvent(e, 'You joined through an invite link'));
    await waitVisible(systemEvent(a, `${eve.displayName} joined through an invite link`));
    expect(e.url()).not.toContain('#/join/');
    // History from before Eve joined stays hidden from her.
    await expectCount(messageItem(e, 'hello group'), 0);

    // Bob leaves: confirmed, then read-only for him, and everyone is told.
    const bobPanel = await openGroupInfo(b);
    await bobPanel.getByRole('button', { name: 'Leave group', exact: true }).click();
    await b.getByRole('alertdialog', { name: 'Leave Weekend hikers?' }).getByRole('button', { name: 'Leave', exact: true }).click();
    await waitVisible(b.getByText('You left this group.', { exact: true }));
    expect(await composer(b).isDisabled()).toBe(true);
    await waitVisible(systemEvent(a, `${bob.displayName} left the group`));
    await expectCount(memberRow(a, bob.displayName), 0);

    for (const ui of world.pages) expect(ui.errors.filter((x) => x.startsWith('pageerror:'))).toEqual([]);
  });

  it("A removes B from a group: B can no longer post (typed error), and B's already-open browser tab stops receiving new group messages immediately, without a reload", async () => {
    const [alice, bob, carol] = await usersAroundFirst(world.app.url, ['alice', 'bob', 'carol']);
    if (!alice || !bob || !carol) throw new Error('setup made too few users');
    const groupId = await apiCreateGroup(world.app.url, alice, 'Book club', [bob, carol]);
    await apiSend(world.app.url, alice, groupId, 'welcome everyone');

    const a = await signIn(alice);
    const b = await signIn(bob);
    const c = await signIn(carol);
    for (const page of [a, b, c]) {
      await openChat(page, 'Book club');
      await waitVisible(messageItem(page, 'welcome everyone'));
    }
    await markPage(b);

    await openGroupInfo(a);
    await memberRow(a, bob.displayName).getByRole('button', { name: 'Remove from group', exact: true }).click();
    await a
      .getByRole('alertdialog', { name: `Remove ${bob.displayName} from the group?` })
      .getByRole('button', { name: 'Remove', exact: true })
      .click();
    await waitVisible(systemEvent(a, `You removed ${bob.displayName}`));
    await expectCount(memberRow(a, bob.displayName), 0);

    // B's open tab learns it at once: the event, the notice, a disabled composer; what it held stays.
    await waitVisible(systemEvent(b, `${alice.displayName} removed you`));
    await waitVisible(b.getByText('You were removed from this group.', { exact: true }));
    expect(await composer(b).isDisabled()).toBe(true);
    await waitVisible(messageItem(b, 'welcome everyone'));

    // The server refuses B with a typed error, for posting and for reading alike.
    const send = await apiFailure(world.app.url, 'messages.send', { conversationId: groupId, clientMsgId: 'e2e-removed-1', text: 'let me back in' }, bob.token);
    expect(send.status).toBe(404);
    expect(send.error.code).toBe('conversation.not_found');
    const history = await apiFailure(world.app.url, 'messages.history', { conversationId: groupId }, bob.token);
    expect(history.error.code).toBe('conversation.not_found');

    // The group goes on without B.
    await sendMessage(a, 'after removal 1');
    await apiSend(world.app.url, carol, groupId, 'after removal 2');
    await sendMessage(a, 'after removal 3');
    await waitVisible(messageItem(c, 'after removal 3'));
    // A direct message to B written after all of them: B's socket delivers B's updates in order, so once this one
    // shows, any group message still headed for B would have arrived before it.
    const { conversation: direct } = await apiCall<{ conversation: { id: string } }>(
      world.app.url,
      'conversations.openDirect',
      { userId: bob.id },
      alice.token,
    );
    await apiSend(world.app.url, alice, direct.id, 'are you still there?');
    await waitVisible(conversationItem(b, alice.displayName).getByText('are you still there?', { exact: true }));

    const seen = await timelineTexts(b);
    expect(seen.filter((text) => text.startsWith('after removal'))).toEqual([]);
    expect(seen).toContain('welcome everyone');
    expect(await composer(b).isDisabled()).toBe(true);
    expect(await wasNotReloaded(b)).toBe(true);
  });

  it("typing @ in a group suggests members, Enter inserts @username, and the mentioned member's list shows the mention marker", async () => {
    const [alice, bob, carol] = await usersAroundFirst(world.app.url, ['alice', 'bob', 'carol']);
    if (!alice || !bob || !carol) throw new Error('setup made too few users');
    await apiCreateGroup(world.app.url, alice, 'Planners', [bob, carol]);

    const b = await signIn(bob);
    const c = await signIn(carol);
    await openChat(b, 'Planners');

    const box = composer(b);
    await box.click();
    await box.pressSequentially(`lunch? @${carol.username.slice(0, 5)}`);
    const suggestions = b.getByRole('listbox', { name: 'Mention someone' });
    await waitVisible(suggestions);
    const options = suggestions.getByRole('option');
    await expectCount(options, 1);
    await expectText(options.first(), `${carol.displayName} @${carol.username}`);
    await box.press('Enter');
    await waitHidden(suggestions);
    expect(await box.inputValue()).toBe(`lunch? @${carol.username} `);
    await box.pressSequentially('noon works?');
    await box.press('Enter');
    const text = `lunch? @${carol.username} noon works?`;
    await waitVisible(messageItem(b, text).getByText(`@${carol.username}`, { exact: true }));

    // A plain member gets no "@all"; Escape closes the suggestions.
    await box.pressSequentially('@');
    await waitVisible(suggestions);
    await expectCount(suggestions.getByRole('option', { name: /@all/u }), 0);
    await expectCount(options, 2);
    await box.press('Escape');
    await waitHidden(suggestions);
    await box.fill('');

    // Carol's list says she was mentioned; opening the chat shows the highlighted message and clears the marker.
    const row = conversationItem(c, 'Planners');
    await waitVisible(row.getByText('[You were mentioned]', { exact: true }));
    await row.click();
    await waitVisible(messageItem(c, text).getByText('Mentions you', { exact: true }));
    await expectCount(row.getByText('[You were mentioned]', { exact: true }), 0);

    // The owner may mention everyone.
    const a = await signIn(alice);
    await openChat(a, 'Planners');
    await composer(a).pressSequentially('@al');
    await waitVisible(a.getByRole('listbox', { name: 'Mention someone' }).getByRole('option', { name: /@all/u }));
  });
});
