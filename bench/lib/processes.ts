import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sleep } from './stats.js';

/** A platform process (`node dist/src/main.js api|worker`) started by the bench. */
export interface PlatformProcess {
  role: string;
  child: ChildProcess;
  output: string[];
}

export function startProcess(
  role: string,
  mode: 'api' | 'worker',
  env: Record<string, string>,
): PlatformProcess {
  // BENCH_CPU_PROF_DIR=dir: the API process writes a V8 CPU profile there when it stops
  // (`--cpu-prof` is refused in NODE_OPTIONS); summarise it with bench/profile-summary.ts.
  const profDir = process.env.BENCH_CPU_PROF_DIR;
  const prof = profDir && mode === 'api' ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const child = spawn(process.execPath, [...prof, 'dist/src/main.js', mode], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { role, child, output };
}

export async function waitForHealth(baseUrl: string, proc: PlatformProcess, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.role} exited (${proc.child.exitCode}):\n${proc.output.join('')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${proc.role} did not become healthy:\n${proc.output.join('')}`);
}

/** Peak resident memory (VmHWM, MB) of a process, from /proc; falls back to ps on other systems. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return NaN;
}

/** Samples the current RSS (ps) of the given processes every `everyMs`, keeping the maximum. */
export function rssSampler(procs: PlatformProcess[], everyMs = 500) {
  const peak = new Map<string, number>();
  const timer = setInterval(() => {
    for (const p of procs) {
      const pid = p.child.pid;
      if (!pid) continue;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const m = /VmRSS:\s+(\d+) kB/.exec(status);
        if (m) peak.set(p.role, Math.max(peak.get(p.role) ?? 0, Number(m[1]) / 1024));
      } catch {
        // exited
      }
    }
  }, everyMs);
  timer.unref();
  return {
    peak,
    stop: () => clearInterval(timer),
  };
}

export async function stopProcess(p: PlatformProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.pid === undefined) return;
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (p.child.exitCode === null) p.child.kill('SIGKILL');
}
