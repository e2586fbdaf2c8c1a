/** Runs a command (the real `kyodaku` binary, an example) in a child process and collects its output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

export const CLI_BIN = join(REPO_ROOT, 'client/bin/kyodaku.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Runs `command args…` (cwd: the repository), fails after the timeout (default 20 s). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the `kyodaku` CLI; KYODAKU_NODE comes only from `options.env`. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.KYODAKU_NODE === undefined) delete env.KYODAKU_NODE;
  return runCommand(process.execPath, [CLI_BIN, ...args], { ...options, env });
}
