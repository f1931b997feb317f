import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_DIR } from './paths';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * The e2e server serves the BUILT web app; build it when apps/web/dist is missing or older than
 * any source file, so a test never runs against a stale bundle.
 */
export function ensureWebBuild(): void {
  const index = join(WEB_DIR, 'dist/index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(WEB_DIR, p));
  const newestSource = Math.max(...sources.filter(existsSync).map(newestMtime));
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource) return;
  const result = spawnSync('pnpm', ['--filter', '@sextant/web', 'build'], {
    cwd: WEB_DIR,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `building the web app failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}
