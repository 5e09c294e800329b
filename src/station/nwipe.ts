import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

/** nwipe's method for a plan's overwrite passes; every method but `zero` ends with a zero blank pass. */
export function nwipeMethodFor(passes: number): {
  method: string;
  rounds: number;
  blank: boolean;
  passesPerRound: number;
} {
  switch (passes) {
    case 3:
      return { method: 'dodshort', rounds: 1, blank: true, passesPerRound: 3 };
    case 7:
      return { method: 'dod522022m', rounds: 1, blank: true, passesPerRound: 7 };
    case 35:
      return { method: 'gutmann', rounds: 1, blank: true, passesPerRound: 35 };
    default:
      // N zero passes; no blank pass (it would write zeros once more).
      return { method: 'zero', rounds: Math.max(1, passes), blank: false, passesPerRound: 1 };
  }
}

export async function nwipeVersion(nwipe: string): Promise<string> {
  const { stdout } = await promisify(execFile)(nwipe, ['--version']);
  const m = /nwipe version (\S+)/i.exec(stdout);
  if (!m) throw new Error(`cannot read the version from "${stdout.trim()}"`);
  return m[1];
}

export interface NwipeProgress {
  phase: 'erasing' | 'blanking' | 'verifying';
  /** 0..100 over the whole run (all passes, blanking and verification). */
  percent: number;
  pass?: number;
  passes?: number;
}

export interface NwipeResult {
  /** nwipe's exit code, or null when it was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  methodLabel: string;
  passesCompleted: number;
  passesRequested: number;
  bytesWritten: number;
  /** Largest single pass (every pass writes the whole device). */
  bytesPerPass: number;
  /** nwipe's own read-back of the last pass succeeded. */
  verified: boolean;
  /** From the error summary: pass, verification and fdatasync errors. */
  errors: { pass: number; verify: number; sync: number } | null;
  status: string | null;
  log: string[];
}

export interface NwipeRun {
  child: ChildProcess;
  done: Promise<NwipeResult>;
}

/**
 * Runs nwipe on one device without a terminal (--autonuke --nogui), logging to `logfile`, and
 * reads its progress: the pass lines of its log, and the percentage it prints on SIGUSR1.
 */
export function runNwipe(input: {
  nwipe: string;
  device: string;
  passes: number;
  sync: number;
  logfile: string;
  statsEveryMs: number;
  onProgress: (p: NwipeProgress) => void;
}): NwipeRun {
  const how = nwipeMethodFor(input.passes);
  const args = [
    '--autonuke',
    '--nogui',
    `--method=${how.method}`,
    `--rounds=${how.rounds}`,
    '--verify=last',
    `--sync=${input.sync}`,
    `--logfile=${input.logfile}`,
    ...(how.blank ? [] : ['--noblank']),
    input.device,
  ];
  const child = spawn(input.nwipe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const transcript = createWriteStream(`${input.logfile}.stdout`);
  const dev = basename(input.device);
  const totalPasses = how.rounds * how.passesPerRound;
  // Steps of equal weight: every pass, the blank pass, the verification read.
  const steps = totalPasses + (how.blank ? 1 : 0) + 1;
  const log: string[] = [];
  let step = 0;
  let phase: NwipeProgress['phase'] = 'erasing';
  let pass = 0;
  let finished = 0;
  let bytesWritten = 0;
  let bytesPerPass = 0;
  let verified = false;
  let errors: NwipeResult['errors'] = null;
  let status: string | null = null;
  let methodLabel = how.method;
  // SIGUSR1 kills a process that has not installed its handler yet: only once nwipe writes.
  let writing = false;
  const emit = (within = 0) =>
    input.onProgress({
      phase,
      percent: Math.min(100, Math.round(((step + within) / steps) * 1000) / 10),
      ...(phase === 'erasing' ? { pass, passes: totalPasses } : {}),
    });
  const onLine = (line: string) => {
    transcript.write(`${line}\n`);
    if (log.length < 400) log.push(line.slice(0, 1000));
    let m: RegExpExecArray | null;
    if ((m = /method\s+=\s+(.+)$/.exec(line))) methodLabel = m[1].trim();
    if (/Starting pass \d+\/\d+, round \d+\/\d+/.test(line)) {
      writing = true;
      phase = 'erasing';
      pass = finished + 1;
      step = finished;
      emit();
    } else if (/Finished pass \d+\/\d+/.test(line)) {
      finished++;
      step = finished;
      emit();
    } else if (/Blanking device/.test(line)) {
      phase = 'blanking';
      step = totalPasses;
      emit();
    } else if (/Verifying (that|pass)/.test(line)) {
      phase = 'verifying';
      step = steps - 1;
      emit();
    } else if ((m = /(\d+) bytes written to/.exec(line))) {
      const n = Number(m[1]);
      bytesWritten += n;
      bytesPerPass = Math.max(bytesPerPass, n);
    } else if (/\[SUCCESS\] Verified|Verified pass \d+ of \d+/.test(line)) {
      verified = true;
    } else if ((m = /:\s+(\d+(?:\.\d+)?)%, round/.exec(line))) {
      emit(Number(m[1]) / 100);
    } else if (
      (m = new RegExp(`^\\s*${dev}\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)`).exec(line))
    ) {
      errors = { pass: Number(m[1]), verify: Number(m[2]), sync: Number(m[3]) };
    } else if ((m = new RegExp(`^\\s*${dev}\\s*\\|\\s*([A-Za-z ]+?)\\s*\\|`).exec(line))) {
      status = m[1];
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', (l) => transcript.write(`${l}\n`));
  // nwipe --nogui prints "<dev>: 12.34%, round 1 of 1, pass 1 of 3 …" on SIGUSR1.
  const stats = setInterval(() => {
    if (writing && child.exitCode === null && child.signalCode === null) child.kill('SIGUSR1');
  }, input.statsEveryMs);
  const done = new Promise<NwipeResult>((resolve, reject) => {
    child.once('error', (err) => {
      clearInterval(stats);
      reject(err);
    });
    child.once('close', (exitCode, signal) => {
      clearInterval(stats);
      transcript.end();
      resolve({
        exitCode,
        signal,
        methodLabel,
        passesCompleted: finished,
        passesRequested: totalPasses,
        bytesWritten,
        bytesPerPass,
        verified,
        errors,
        status,
        log,
      });
    });
  });
  return { child, done };
}
