import { describe, expect, it } from 'vitest';
import { browserWorld } from './world';
import { mainNav, newUser, registerUi, waitVisible } from './ui';

describe('the installed app shell', () => {
  const world = browserWorld();

  it('loads offline after a single online visit', async () => {
    const { page, context } = await world.open();
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
