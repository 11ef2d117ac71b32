import { parseArgs } from 'node:util';
import { schemas } from '@feige/protocol';
import { createApp, defaultWebDir, loadConfig, silentLogger } from '@feige/server';

/** `feige user create|reset-password`: works on the same data directory (or database URL) as `feige serve`. */
export async function user(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      'display-name': { type: 'string' },
      password: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
    },
    strict: true,
  });
  const configArgs = [
    ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : []),
    ...(values['database-url'] ? ['--database-url', values['database-url']] : []),
  ];
  const config = loadConfig(configArgs, process.env, { webDir: defaultWebDir });
  const app = await createApp({ database: config.database, logger: silentLogger(), webDir: null });
  try {
    if (action === 'create') {
      const input = schemas['auth.register'].safeParse({
        username: values.username,
        displayName: values['display-name'] ?? values.username,
        password: values.password,
        deviceName: 'feige CLI',
      });
      if (!input.success) {
        console.error(input.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
        return 2;
      }
      const result = await app.services.auth.register(input.data, null);
      await app.services.auth.logout({ userId: result.user.id, sessionId: result.session.id });
      console.log(`created user ${result.user.username} (${result.user.id})`);
      return 0;
    }
    if (action === 'reset-password') {
      const password = schemas['auth.register'].shape.password.safeParse(values.password);
      if (!values.username || !password.success) {
        console.error('usage: feige user reset-password --username NAME --password NEW_PASSWORD (8+ characters)');
        return 2;
      }
      await app.services.auth.resetPassword(values.username, password.data);
      console.log(`password of ${values.username} reset; every session of theirs was signed out`);
      return 0;
    }
    console.error('usage: feige user create|reset-password --username NAME --password PASSWORD [--display-name NAME]');
    return 2;
  } finally {
    await app.close();
  }
}
