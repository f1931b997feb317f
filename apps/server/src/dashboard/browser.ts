import { spawn } from 'node:child_process';

/** The platform's "open this URL" command. */
function opener(url: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [url] };
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

/**
 * Opens `url` in the person's browser. Resolves once the opener has exited; rejects when it
 * is missing or fails (the caller turns that into a warning: the URL is printed anyway).
 */
export function openBrowser(url: string): Promise<void> {
  const { command, args } = opener(url);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with code ${String(code)}`)),
    );
    child.unref();
  });
}
