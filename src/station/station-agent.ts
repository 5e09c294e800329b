import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ErasurePlan,
  normaliseSerial,
  signStationRequest,
  type VerificationSample,
} from '../erasure/domain/index.js';
import { deviceAllowed, type StationConfig } from './station-config.js';
import { DeviceError, type DeviceIdentity, identifyDevice } from './device.js';
import { type NwipeRun, nwipeVersion, runNwipe } from './nwipe.js';
import { verifySample } from './sample-verify.js';

/** A wipe the platform handed to this station (POST /station/claim). */
export interface ClaimedJob {
  erasureId: string;
  attempt: number;
  device: string;
  medium: { id: string; serial: string; mediaType: string; capacityBytes: number };
  plan: ErasurePlan;
  leaseMs: number;
}

export type JobOutcome =
  | { kind: 'idle' }
  | { kind: 'refused'; code: string; reason: string }
  | { kind: 'reported'; status: 'succeeded' | 'failed'; state: string }
  | { kind: 'superseded'; reason: string }
  | { kind: 'abandoned' };

export class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    path: string,
  ) {
    super(`platform answered ${status} to ${path}: ${JSON.stringify(body)}`);
    this.name = 'PlatformError';
  }
}

type Log = (message: string) => void;

/**
 * The wiping station (`node dist/src/main.js station`): polls the platform for its wipes,
 * checks the drive's kernel serial against the medium before writing anything, runs nwipe,
 * reads back its own seeded sample, and reports the signed run, with progress while it runs.
 * It talks to the platform only over HTTPS with signed requests: no database, no Redis.
 */
export class StationAgent {
  private stopped = false;
  private current: NwipeRun | null = null;
  /** Set by crash(): stop without reporting, as if the station lost power. */
  private abandon = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly config: StationConfig,
    private readonly log: Log = (m) => console.log(`reloop-station: ${m}`),
  ) {}

  /** The running nwipe process, if any (tests kill it to simulate a failure half way). */
  get nwipePid(): number | undefined {
    return this.current?.child.pid;
  }

  /** Signed POST to the station API. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const full = `/api/v1/station${path}`;
    const text = JSON.stringify(body);
    const headers = signStationRequest({
      stationId: this.config.stationId,
      privateKey: this.config.privateKeyPem,
      method: 'POST',
      path: full,
      body: text,
    });
    const res = await fetch(`${this.config.platformUrl}${full}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: text,
    });
    const raw = await res.text();
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (!res.ok) throw new PlatformError(res.status, parsed, full);
    return parsed as T;
  }

  /** Polls until stop(); one wipe at a time. */
  async start(): Promise<void> {
    this.log(`station ${this.config.stationId} polling ${this.config.platformUrl}`);
    while (!this.stopped) {
      let outcome: JobOutcome;
      try {
        outcome = await this.runOnce();
      } catch (err) {
        const cause = (err as Error & { cause?: Error }).cause;
        this.log(`error: ${(err as Error).message}${cause ? ` (${cause.message})` : ''}`);
        outcome = { kind: 'idle' };
      }
      if (outcome.kind === 'idle' && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.config.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }

  /** Finishes the current wipe (and its report), then stops polling. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Kills nwipe and reports nothing: the platform's lease on the run runs out (power loss). */
  crash(): void {
    this.abandon = true;
    this.stopped = true;
    this.current?.child.kill('SIGKILL');
    this.wake?.();
  }

  /** Takes one wipe, if the platform has one for this station, and sees it through. */
  async runOnce(): Promise<JobOutcome> {
    const { job } = await this.post<{ job: ClaimedJob | null }>('/claim', {});
    if (!job) return { kind: 'idle' };
    this.log(`erasure ${job.erasureId} attempt ${job.attempt}: ${job.device}`);
    try {
      return await this.wipe(job);
    } catch (err) {
      if (err instanceof PlatformError && (err.status === 409 || err.status === 403)) {
        this.current?.child.kill('SIGKILL');
        return { kind: 'superseded', reason: err.message };
      }
      throw err;
    }
  }

  private async refuse(job: ClaimedJob, code: string, reason: string, deviceSerial?: string) {
    this.log(`refused ${job.device}: ${reason}`);
    await this.post(`/erasures/${job.erasureId}/refuse`, {
      attempt: job.attempt,
      code,
      reason,
      ...(deviceSerial !== undefined ? { deviceSerial } : {}),
    });
    return { kind: 'refused' as const, code, reason };
  }

  private async wipe(job: ClaimedJob): Promise<JobOutcome> {
    // Nothing is written before these checks: the right device, allowed, not in use, and
    // holding the medium the platform means (its kernel serial).
    if (!deviceAllowed(this.config.devices, job.device)) {
      return this.refuse(job, 'DEVICE_NOT_ALLOWED', `${job.device} is not in STATION_DEVICES`);
    }
    if (job.plan.technique !== 'overwrite') {
      return this.refuse(job, 'DEVICE_NOT_ALLOWED', `this station cannot ${job.plan.technique}`);
    }
    let device: DeviceIdentity;
    try {
      device = await identifyDevice(job.device, this.config.loopSerials);
    } catch (err) {
      if (err instanceof DeviceError) return this.refuse(job, err.code, err.message);
      throw err;
    }
    if (device.mounted.length > 0) {
      return this.refuse(
        job,
        'DEVICE_NOT_ALLOWED',
        `${device.path} is mounted at ${device.mounted.join(', ')}`,
      );
    }
    if (!device.serial || normaliseSerial(device.serial) !== normaliseSerial(job.medium.serial)) {
      return this.refuse(
        job,
        'SERIAL_MISMATCH',
        `${device.path} has serial ${device.serial ?? '(none)'}, the medium is ${job.medium.serial}: nothing was written`,
        device.serial ?? '',
      );
    }
    if (device.sizeBytes <= 0) {
      return this.refuse(job, 'DEVICE_UNAVAILABLE', `${device.path} reports no size`);
    }

    const version = await nwipeVersion(this.config.nwipe);
    await mkdir(this.config.workDir, { recursive: true });
    const logfile = join(this.config.workDir, `${job.erasureId}-${job.attempt}-${Date.now()}.log`);
    const startedAt = new Date().toISOString();
    let last = { phase: 'erasing', percent: 0 } as Record<string, unknown>;
    const superseded: { error?: PlatformError } = {};
    const sendProgress = () =>
      this.post(`/erasures/${job.erasureId}/progress`, { attempt: job.attempt, ...last }).catch(
        (err: unknown) => {
          // The run is no longer ours (revoked, released, taken over): stop writing at once.
          if (err instanceof PlatformError && (err.status === 409 || err.status === 403)) {
            superseded.error = err;
            this.current?.child.kill('SIGKILL');
          }
        },
      );
    let lastSent = 0;
    const heartbeat = setInterval(
      () => void sendProgress(),
      Math.min(this.config.progressMs, job.leaseMs / 3),
    );
    await sendProgress();
    let nwipeResult;
    try {
      this.current = runNwipe({
        nwipe: this.config.nwipe,
        device: device.path,
        passes: job.plan.passes,
        sync: this.config.nwipeSync,
        logfile,
        statsEveryMs: Math.max(250, Math.min(this.config.progressMs, 5000)),
        onProgress: (p) => {
          last = { ...p };
          if (Date.now() - lastSent >= this.config.progressMs / 2) {
            lastSent = Date.now();
            void sendProgress();
          }
        },
      });
      nwipeResult = await this.current.done;
    } finally {
      this.current = null;
      clearInterval(heartbeat);
    }
    if (this.abandon) return { kind: 'abandoned' };
    if (superseded.error) throw superseded.error;

    const erased =
      nwipeResult.exitCode === 0 &&
      nwipeResult.passesCompleted >= nwipeResult.passesRequested &&
      nwipeResult.bytesPerPass >= device.sizeBytes &&
      (nwipeResult.errors === null || nwipeResult.errors.pass + nwipeResult.errors.sync === 0);
    const nwipeVerified = erased && nwipeResult.verified && (nwipeResult.errors?.verify ?? 0) === 0;
    let sample: VerificationSample | undefined;
    if (erased) {
      last = { phase: 'sampling', percent: 99 };
      await sendProgress();
      sample = await verifySample({
        device: device.path,
        sizeBytes: device.sizeBytes,
        percent: this.config.samplePercent,
        expectedByte: 0x00, // every method the station runs ends with a zero pass
      });
    }
    const verifiedOk = nwipeVerified && sample?.outcome === 'passed';
    const failureReason = !erased
      ? nwipeResult.signal
        ? `nwipe was killed by ${nwipeResult.signal} after ${nwipeResult.passesCompleted} of ${nwipeResult.passesRequested} pass(es)`
        : `nwipe exited with ${nwipeResult.exitCode} after ${nwipeResult.passesCompleted} of ${nwipeResult.passesRequested} pass(es)${nwipeResult.errors ? ` (errors pass/sync/verify ${nwipeResult.errors.pass}/${nwipeResult.errors.sync}/${nwipeResult.errors.verify})` : ''}`
      : !nwipeVerified
        ? 'nwipe could not verify the last pass'
        : sample?.outcome !== 'passed'
          ? `the station's read-back found ${sample?.mismatchedBlocks} of ${sample?.sampledBlocks} sampled blocks not zero`
          : undefined;
    const report = {
      attempt: job.attempt,
      run: {
        tool: { name: 'nwipe', version },
        methodName: nwipeResult.methodLabel,
        technique: 'overwrite',
        passesRequested: job.plan.passes,
        passesCompleted: nwipeResult.passesCompleted,
        bytesWritten: nwipeResult.bytesWritten,
        bytesErased: Math.min(nwipeResult.bytesPerPass, device.sizeBytes),
        status: erased && verifiedOk ? 'succeeded' : 'failed',
        ...(failureReason ? { failureReason, failedPhase: erased ? 'verify' : 'erase' } : {}),
        verification: {
          // nwipe read the whole device back after the last pass; the sample is our own check.
          method: erased ? 'full' : 'none',
          outcome: !erased ? 'not-run' : verifiedOk ? 'passed' : 'failed',
          ...(sample ? { sample } : {}),
        },
        device: {
          path: device.path,
          serial: device.serial,
          ...(device.model ? { model: device.model } : {}),
          sizeBytes: device.sizeBytes,
        },
        startedAt,
        finishedAt: new Date().toISOString(),
        logs: nwipeResult.log.filter((l) => /notice|error|fatal|SUCCESS|FAIL/i.test(l)).slice(-200),
      },
    };
    const answer = await this.post<{ state: string }>(`/erasures/${job.erasureId}/report`, report);
    this.log(
      `erasure ${job.erasureId}: ${report.run.status}${failureReason ? ` (${failureReason})` : ''} → ${answer.state}`,
    );
    return {
      kind: 'reported',
      status: report.run.status as 'succeeded' | 'failed',
      state: answer.state,
    };
  }
}
