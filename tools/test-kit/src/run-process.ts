/** Runs a command to its end and collects its exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Default: this process's working directory. */
  cwd?: string;
  /** The whole environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Run as this user id (and the group of the same id). */
  uid?: number;
  /** Sees the process once it is spawned (to signal it, say). */
  onSpawn?(child: ChildProcess): void;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Like runProcess, but a non-zero exit is an error that quotes the output. */
export async function runOrFail(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const result = await runProcess(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${result.stderr}\n${result.stdout}`.slice(-8_000));
  }
  return result;
}
