import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, newUserPage, startApp, type App, type UserPage, type UserPageOptions } from './harness';

export interface BrowserWorld {
  /** The running app (available inside tests and hooks, after the suite's beforeAll). */
  readonly app: App;
  /** A fresh browser context and page on the app, or on `url` (e.g. a proxy in front of it); closed after the suite. */
  open(options?: UserPageOptions & { url?: string }): Promise<UserPage>;
  /** Every page opened so far in this suite. */
  readonly pages: readonly UserPage[];
  /** Something else to stop after the suite, before the browser and the app. */
  onTeardown(stop: () => Promise<void>): void;
}

/**
 * One app and one browser per spec file: registers the suite's beforeAll/afterAll and hands out pages, so every spec
 * starts and stops its world the same way.
 */
export function browserWorld(): BrowserWorld {
  let app: App | undefined;
  let browser: Browser | undefined;
  const pages: UserPage[] = [];
  const teardowns: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const page of pages) await page.context.close();
    for (const stop of teardowns) await stop();
    await browser?.close();
    await app?.stop();
  });

  return {
    get app() {
      if (!app) throw new Error('the app starts in beforeAll: use it inside tests');
      return app;
    },
    pages,
    async open({ url, ...options } = {}) {
      if (!browser || !app) throw new Error('the browser starts in beforeAll: open pages inside tests');
      const page = await newUserPage(browser, url ?? app.url, options);
      pages.push(page);
      return page;
    },
    onTeardown(stop) {
      teardowns.push(stop);
    },
  };
}
