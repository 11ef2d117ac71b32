import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newUserPage, startApp, type App, type UserPage } from './harness';
import { mainNav, newUser, registerUi, waitVisible } from './ui';

describe('the installed app shell', () => {
  let app: App;
  let browser: Browser;
  let user: UserPage | undefined;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await user?.context.close();
    await browser?.close();
    await app?.stop();
  });

  it('loads offline after a single online visit', async () => {
    user = await newUserPage(browser, app.url);
    const { page, context } = user;
    await registerUi(page, newUser('shell'));
    await waitVisible(mainNav(page));
    // The service worker caches the shell when it installs; wait until it controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    await waitVisible(mainNav(page));
    expect(await page.title()).toMatch(/Feige/u);
    await context.setOffline(false);
  });
});
