import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, silentLogger } from '@feige/server';
import { main } from './index.js';

describe('feige user', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'feige-cli-'));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function login(username: string, password: string) {
    const app = await createApp({ database: { kind: 'sqlite', file: join(dataDir, 'feige.sqlite') }, logger: silentLogger(), webDir: null });
    try {
      return await app.services.auth.login({ username, password }, { address: '127.0.0.1' });
    } finally {
      await app.close();
    }
  }

  it('creates a user who can then log in, and resets their password', async () => {
    expect(await main(['user', 'create', '--username', '管理员', '--display-name', 'Admin 🛠', '--password', 'first-password', '--data-dir', dataDir])).toBe(0);
    expect((await login('管理员', 'first-password')).user.displayName).toBe('Admin 🛠');
    expect(await main(['user', 'reset-password', '--username', '管理员', '--password', 'second-password', '--data-dir', dataDir])).toBe(0);
    await expect(login('管理员', 'first-password')).rejects.toMatchObject({ code: 'auth.bad_credentials' });
    expect((await login('管理员', 'second-password')).user.username).toBe('管理员');
  });

  it('refuses bad input with a usage message and a non-zero exit code', async () => {
    expect(await main(['user', 'create', '--username', 'x', '--password', 'short', '--data-dir', dataDir])).toBe(2);
    expect(await main(['user', 'reset-password', '--username', 'nobody', '--password', 'long-enough-1', '--data-dir', dataDir])).toBe(1);
    expect(await main(['frobnicate'])).toBe(2);
  });

  it('refuses a second user with the same name in another case', async () => {
    expect(await main(['user', 'create', '--username', 'Alice', '--password', 'password-1', '--data-dir', dataDir])).toBe(0);
    expect(await main(['user', 'create', '--username', 'alice', '--password', 'password-1', '--data-dir', dataDir])).toBe(1);
  });
});
