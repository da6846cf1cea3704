import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/repo-root';

/** Path of a compiled entry point, e.g. `compiled('gateway/src/main.js')`. */
export const compiled = (path: string) => join(repoRoot(), 'dist', path);

/** Runs a compiled entry point that is expected to exit, and returns how it ended. */
export function runToExit(entry: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiled(entry), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Starts a compiled entry point and waits until `healthUrl` answers 200. */
export async function startUntilHealthy(entry: string, args: string[], env: NodeJS.ProcessEnv, healthUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [compiled(entry), ...args], { env, stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    if (await fetch(healthUrl).then((res) => res.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} was not healthy within 20 s`);
}

/** Stops a child started by {@link startUntilHealthy} and waits for it to exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
