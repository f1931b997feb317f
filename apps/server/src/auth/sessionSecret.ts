import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MIN_LENGTH = 32;

/**
 * The key that seals session cookies: `--session-secret` / SEXTANT_SESSION_SECRET when given,
 * else one generated once and kept (0600) in the state folder, so sessions survive a restart.
 * Without a state folder it lives as long as the process.
 */
export async function sessionSecret(options: { secret?: string; stateDir?: string }): Promise<string> {
  if (options.secret !== undefined) {
    if (options.secret.length < MIN_LENGTH) {
      throw new Error(
        `--session-secret: at least ${MIN_LENGTH} characters (a random string; openssl rand -hex 32)`,
      );
    }
    return options.secret;
  }
  const generated = randomBytes(32).toString('hex');
  if (!options.stateDir) return generated;
  const file = join(options.stateDir, 'session-secret');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept.length >= MIN_LENGTH) return kept;
  } catch {
    // Not there yet: written below.
  }
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${generated}\n`, { mode: 0o600 });
  return generated;
}
