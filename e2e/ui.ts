/**
 * Shared steps for the specs: waiting (playwright-core has no `expect`, so locator.waitFor and vitest's
 * expect.poll, always bounded), the auth screen, the chat, and a thin HTTP API client to build a world quickly
 * (register users, make them friends, open a conversation, seed history) before the browser takes over.
 */
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Default bound for a wait, ms. */
export const waitMs = 10_000;

// ---------------------------------------------------------------------------------------------------------------
// Waiting

export function waitVisible(locator: Locator, timeout = waitMs): Promise<void> {
  return locator.waitFor({ state: 'visible', timeout });
}

export function waitHidden(locator: Locator, timeout = waitMs): Promise<void> {
  return locator.waitFor({ state: 'hidden', timeout });
}

/** Polls until `locator` matches exactly `count` elements. */
export async function expectCount(locator: Locator, count: number, timeout = waitMs): Promise<void> {
  await expect.poll(() => locator.count(), { timeout, interval: 100 }).toBe(count);
}

/** Polls the element's text (its whole text content, whitespace-normalised) until `check` accepts it. */
export async function expectText(locator: Locator, pattern: RegExp | string, timeout = waitMs): Promise<void> {
  await expect
    .poll(async () => normalise((await locator.textContent({ timeout })) ?? ''), { timeout, interval: 100 })
    .toMatch(pattern);
}

function normalise(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

// ---------------------------------------------------------------------------------------------------------------
// People

export interface TestUser {
  username: string;
  displayName: string;
  password: string;
}

/** A fresh user with a unique username (letters, digits, `_`), e.g. `alice_3f9a1c`. */
export function newUser(prefix: string): TestUser {
  const suffix = randomBytes(4).toString('hex');
  const name = prefix.charAt(0).toUpperCase() + prefix.slice(1);
  return { username: `${prefix}_${suffix}`, displayName: `${name} ${suffix}`, password: `pw-${suffix}-secret` };
}

// ---------------------------------------------------------------------------------------------------------------
// Auth screen

export function mainNav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' });
}

export async function registerUi(page: Page, user: TestUser): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await fillCredentials(page, user, true);
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await waitVisible(mainNav(page));
}

export async function loginUi(page: Page, user: TestUser): Promise<void> {
  await fillCredentials(page, user, false);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await waitVisible(mainNav(page));
}

export async function fillCredentials(page: Page, user: TestUser, registering: boolean): Promise<void> {
  await page.getByRole('textbox', { name: 'Username' }).fill(user.username);
  if (registering) await page.getByRole('textbox', { name: 'Display name' }).fill(user.displayName);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
}

// ---------------------------------------------------------------------------------------------------------------
// Main screen and chat

export function connectionBanner(page: Page): Locator {
  return page.getByRole('status', { name: 'Connection status' });
}

/** Empty banner: the socket is authenticated and caught up. */
export async function waitOnline(page: Page, timeout = waitMs): Promise<void> {
  await expectText(connectionBanner(page), /^$/u, timeout);
}

export function navButton(page: Page, name: 'Chats' | 'Friends' | 'Settings'): Locator {
  return mainNav(page).getByRole('button', { name, exact: true });
}

/** The row of the conversation with `displayName` in the list "Conversations". */
export function conversationItem(page: Page, displayName: string): Locator {
  return page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(`^${escapeRegExp(displayName)}`, 'u') });
}

export function chatRegion(page: Page, displayName: string): Locator {
  return page.getByRole('region', { name: `Chat with ${displayName}`, exact: true });
}

export function chatLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Chat history' });
}

/** The message list items (day dividers excluded: they hold no paragraph). */
export function messageItems(page: Page): Locator {
  return chatLog(page)
    .getByRole('list')
    .getByRole('listitem')
    .filter({ has: page.getByRole('paragraph') });
}

/** The message whose text is exactly `text`. */
export function messageItem(page: Page, text: string): Locator {
  return chatLog(page)
    .getByRole('listitem')
    .filter({ has: page.getByText(text, { exact: true }) });
}

/** The texts of the messages in the open chat, top to bottom. */
export function messageTexts(page: Page): Promise<string[]> {
  return messageItems(page).getByRole('paragraph').allTextContents();
}

/** Open the chat with `displayName` from the conversation list. */
export async function openChat(page: Page, displayName: string): Promise<void> {
  await navButton(page, 'Chats').click();
  await conversationItem(page, displayName).click();
  await waitVisible(chatRegion(page, displayName));
}

/** Type into the composer and press Enter (which sends). */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Type a message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue(), { timeout: waitMs }).toBe('');
}

/** Wait until my message `text` shows one of the given statuses ("Sending…", "Sent", "Read", "Not sent"). */
export async function waitMessageStatus(page: Page, text: string, status: RegExp, timeout = waitMs): Promise<void> {
  await waitVisible(messageItem(page, text).getByText(status), timeout);
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP API: build a world without clicking through it

export interface ApiUser extends TestUser {
  id: string;
  token: string;
}

export async function apiCall<T = unknown>(appUrl: string, op: string, params: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(new URL(`/api/op/${op}`, appUrl), {
    method: 'POST',
    headers,
    body: JSON.stringify(params),
    signal: AbortSignal.timeout(waitMs),
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${op} failed with HTTP ${response.status}: ${JSON.stringify(body)}`);
  return body as T;
}

export async function apiRegister(appUrl: string, user: TestUser): Promise<ApiUser> {
  const result = await apiCall<{ token: string; user: { id: string } }>(appUrl, 'auth.register', {
    username: user.username,
    displayName: user.displayName,
    password: user.password,
    deviceName: 'e2e setup',
  });
  return { ...user, id: result.user.id, token: result.token };
}

/** Make `a` and `b` friends and open their direct conversation; returns its id. */
export async function apiBefriend(appUrl: string, a: ApiUser, b: ApiUser): Promise<string> {
  const { request } = await apiCall<{ request: { id: string } }>(appUrl, 'friends.request', { userId: b.id }, a.token);
  await apiCall(appUrl, 'friends.accept', { requestId: request.id }, b.token);
  const { conversation } = await apiCall<{ conversation: { id: string } }>(
    appUrl,
    'conversations.openDirect',
    { userId: b.id },
    a.token,
  );
  return conversation.id;
}

export async function apiSend(appUrl: string, from: ApiUser, conversationId: string, text: string): Promise<void> {
  await apiCall(
    appUrl,
    'messages.send',
    { conversationId, clientMsgId: `e2e-${randomBytes(8).toString('hex')}`, text },
    from.token,
  );
}

/** Two fresh users, friends, with their direct conversation open; `seed` messages go from a to b in order. */
export async function friendsWithChat(
  appUrl: string,
  seed: readonly string[] = [],
): Promise<{ a: ApiUser; b: ApiUser; conversationId: string }> {
  const a = await apiRegister(appUrl, newUser('alice'));
  const b = await apiRegister(appUrl, newUser('bob'));
  const conversationId = await apiBefriend(appUrl, a, b);
  for (const text of seed) await apiSend(appUrl, a, conversationId, text);
  return { a, b, conversationId };
}

/** End the setup session, so it no longer shows among the user's signed-in devices. */
export async function apiLogout(appUrl: string, user: ApiUser): Promise<void> {
  await apiCall(appUrl, 'auth.logout', {}, user.token);
}
