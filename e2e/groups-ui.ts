/**
 * Group steps for the specs, beside the shared ones in ui.ts: HTTP helpers to build groups quickly, and locators for
 * the group chat (timeline system events, the "Group info" panel, the member list).
 */
import type { Locator, Page } from 'playwright-core';
import { apiBefriend, apiCall, apiRegister, chatLog, newUser, waitMs, type ApiUser } from './ui';

// ---------------------------------------------------------------------------------------------------------------
// HTTP API

export interface ApiErrorBody {
  code: string;
  message: string;
}

/** Call an op that must fail; resolves to the HTTP status and the error body (rejects if it succeeds). */
export async function apiFailure(appUrl: string, op: string, params: unknown, token: string): Promise<{ status: number; error: ApiErrorBody }> {
  const response = await fetch(new URL(`/api/op/${op}`, appUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
    signal: AbortSignal.timeout(waitMs),
  });
  const body = (await response.json()) as ApiErrorBody;
  if (response.ok) throw new Error(`${op} succeeded but was expected to fail: ${JSON.stringify(body)}`);
  return { status: response.status, error: body };
}

/** `owner` creates a group with `members` (who must be the owner's friends); returns its conversation id. */
export async function apiCreateGroup(appUrl: string, owner: ApiUser, title: string, members: readonly ApiUser[]): Promise<string> {
  const { conversation } = await apiCall<{ conversation: { id: string } }>(
    appUrl,
    'groups.create',
    { title, userIds: members.map((m) => m.id) },
    owner.token,
  );
  return conversation.id;
}

/** Fresh users named by `prefixes`; the first is made friends with every other one. */
export async function usersAroundFirst(appUrl: string, prefixes: readonly string[]): Promise<ApiUser[]> {
  const users: ApiUser[] = [];
  for (const prefix of prefixes) users.push(await apiRegister(appUrl, newUser(prefix)));
  const [first, ...rest] = users;
  if (!first) throw new Error('usersAroundFirst needs at least one prefix');
  for (const other of rest) await apiBefriend(appUrl, first, other);
  return users;
}

// ---------------------------------------------------------------------------------------------------------------
// Group chat

/** A system event line in the open chat's timeline ("Alice renamed the group to …"). */
export function systemEvent(page: Page, text: string | RegExp, historyLabel = 'Chat history'): Locator {
  return page
    .getByRole('log', { name: historyLabel })
    .getByRole('listitem')
    .filter({ has: page.getByText(text, typeof text === 'string' ? { exact: true } : {}) });
}

export function groupInfo(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Group info' });
}

/** Open the info panel of the open group chat (if not already open). */
export async function openGroupInfo(page: Page): Promise<Locator> {
  const panel = groupInfo(page);
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Group info', exact: true }).click();
  await panel.waitFor({ state: 'visible', timeout: waitMs });
  return panel;
}

/** A member's row in the panel's list "Members". */
export function memberRow(page: Page, displayName: string): Locator {
  return groupInfo(page)
    .getByRole('list', { name: 'Members', exact: true })
    .getByRole('listitem')
    .filter({ hasText: displayName });
}

/** The composer of the open chat. */
export function composer(page: Page, label = 'Type a message'): Locator {
  return page.getByRole('textbox', { name: label, exact: true });
}

/** All texts of the open chat's message bubbles and system events, top to bottom. */
export function timelineTexts(page: Page): Promise<string[]> {
  return chatLog(page).getByRole('listitem').getByRole('paragraph').allTextContents();
}
