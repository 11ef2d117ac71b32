import { AppError } from '@feige/server';
import { serve } from './serve.js';
import { user } from './user.js';

const usage = `feige — the Feige (飞鸽) messaging server

  feige serve [--host H] [--port P] [--data-dir D] [--database-url URL] [--log-level L]
  feige user create --username NAME --password PASSWORD [--display-name NAME] [--data-dir D]
  feige user reset-password --username NAME --password NEW_PASSWORD [--data-dir D]
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'serve') return await serve(rest);
    if (command === 'user') return await user(rest);
    console.log(usage);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
