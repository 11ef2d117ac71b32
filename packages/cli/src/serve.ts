import { defaultWebDir, loadConfig, startServer } from '@feige/server';

/** `feige serve`: runs until SIGINT/SIGTERM, then closes sockets with a reason and the database cleanly. */
export async function serve(argv: string[]): Promise<number> {
  const config = loadConfig(argv, process.env, { webDir: defaultWebDir });
  const server = await startServer(config);
  const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
  console.log(`Feige is running at ${server.url}  (data: ${where})`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: shutting down…`);
      server.close().then(
        () => {
          console.log('Feige stopped.');
          resolve(0);
        },
        (error: unknown) => {
          console.error('shutdown failed:', error);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
