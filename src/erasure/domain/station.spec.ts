import { describe, expect, it, jest } from '@jest/globals';
import { checkRunAgainstPolicy, planErasure } from './policies.js';
import { seededRandom, SimulatedStation } from './station.js';
import type { Medium } from './types.js';

const clock = () => new Date('2027-03-01T02:00:00.000Z');
const hdd: Medium = { mediaType: 'hdd', serial: 'WD-1', capacityBytes: 1e12, model: 'WD10EZEX' };
const reliable = { failureRate: 0, verificationFailureRate: 0, clock };

describe('seededRandom', () => {
  it('is deterministic per seed and uniform-looking', () => {
    const a = seededRandom('x', 1);
    const b = seededRandom('x', 1);
    const c = seededRandom('x', 2);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    const r = seededRandom('mean');
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = r();
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });
});

describe('SimulatedStation', () => {
  it('takes time proportional to capacity and passes, without actually waiting', async () => {
    const station = new SimulatedStation({ ...reliable, seed: 1 });
    const plan = planErasure('cn-2027', hdd);
    const small = await station.start({ ...hdd, serial: 'A', capacityBytes: 250e9 }, plan);
    const big = await station.start({ ...hdd, serial: 'B', capacityBytes: 2e12 }, plan);
    // 3 passes of 1 TB at 150 MB/s = 20000 s (±10 % jitter), plus a full read-back
    const oneTb = await station.start(hdd, plan);
    expect(oneTb.eraseDurationMs).toBeGreaterThan(0.9 * 20_000_000);
    expect(oneTb.eraseDurationMs).toBeLessThan(1.1 * 20_000_000);
    expect(big.durationMs / small.durationMs).toBeGreaterThan(6);
    expect(big.durationMs / small.durationMs).toBeLessThan(10);
    expect(oneTb).toMatchObject({
      status: 'succeeded',
      passesCompleted: 3,
      verification: { method: 'full', outcome: 'passed' },
      tool: { name: 'reloop-simulated-station', version: '1.0.0' },
      startedAt: '2027-03-01T02:00:00.000Z',
    });
    expect(Date.parse(oneTb.finishedAt) - Date.parse(oneTb.startedAt)).toBe(oneTb.durationMs);
    expect(oneTb.logs.some((l) => l.includes('pass 3/3 complete'))).toBe(true);
    expect(checkRunAgainstPolicy('cn-2027', hdd, oneTb)).toEqual([]);
  });

  it('is fast on flash with block erase and slower per byte on eMMC than SSD', async () => {
    const station = new SimulatedStation({ ...reliable, seed: 2 });
    const ssd: Medium = { mediaType: 'ssd', serial: 'S', capacityBytes: 1e12 };
    const blockErase = await station.start(ssd, planErasure('cn-2027', ssd));
    const overwrite = await station.start(ssd, planErasure('nist-clear', ssd));
    expect(blockErase.eraseDurationMs).toBeLessThan(overwrite.eraseDurationMs / 10);
    expect(station.estimateEraseMs({ ...ssd, mediaType: 'emmc' }, 'overwrite', 1)).toBeGreaterThan(
      station.estimateEraseMs(ssd, 'overwrite', 1),
    );
  });

  it('is deterministic for a seed, serial and attempt', async () => {
    const opts = { seed: 'demo', failureRate: 0.5, verificationFailureRate: 0.3, clock };
    const plan = planErasure('cn-2027', hdd);
    const a = await new SimulatedStation(opts).start(hdd, plan, { attempt: 2 });
    const b = await new SimulatedStation(opts).start(hdd, plan, { attempt: 2 });
    expect(b).toEqual(a);
  });

  it('fails runs and verifications at roughly the configured rates', async () => {
    const station = new SimulatedStation({
      seed: 'rates',
      failureRate: 0.2,
      verificationFailureRate: 0.1,
      clock,
    });
    const plan = planErasure('nist-purge', hdd);
    let eraseFailures = 0;
    let verifyFailures = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const r = await station.start({ ...hdd, serial: `S${i}` }, plan);
      if (r.failedPhase === 'erase') {
        eraseFailures++;
        expect(r.status).toBe('failed');
        expect(r.verification.outcome).toBe('not-run');
        expect(r.failureReason).toBeTruthy();
      }
      if (r.failedPhase === 'verify') {
        verifyFailures++;
        expect(r.verification.outcome).toBe('failed');
      }
    }
    expect(eraseFailures / n).toBeGreaterThan(0.16);
    expect(eraseFailures / n).toBeLessThan(0.24);
    expect(verifyFailures / (n - eraseFailures)).toBeGreaterThan(0.07);
    expect(verifyFailures / (n - eraseFailures)).toBeLessThan(0.13);
  });

  it('records partial progress on a failed overwrite', async () => {
    const station = new SimulatedStation({ seed: 9, failureRate: 1, clock });
    const r = await station.start(hdd, { ...planErasure('cn-2027', hdd), passes: 3 });
    expect(r.status).toBe('failed');
    expect(r.passesCompleted).toBeLessThan(3);
    expect(checkRunAgainstPolicy('cn-2027', hdd, r).map((v) => v.code)).toContain('RUN_FAILED');
  });

  it('counts attempts per serial when the caller does not', async () => {
    const station = new SimulatedStation({ ...reliable, seed: 3 });
    const plan = planErasure('cn-2027', hdd);
    expect((await station.start(hdd, plan)).attempt).toBe(1);
    expect((await station.start(hdd, plan)).attempt).toBe(2);
    expect((await station.start(hdd, plan, { attempt: 7 })).attempt).toBe(7);
    expect((await station.start(hdd, plan)).attempt).toBe(8);
  });

  it('refuses a technique the device does not support, like real equipment', async () => {
    const station = new SimulatedStation({ ...reliable, seed: 4 });
    const ssd: Medium = {
      mediaType: 'ssd',
      serial: 'S',
      capacityBytes: 1e12,
      supports: ['overwrite'],
    };
    const r = await station.start(ssd, {
      ...planErasure('nist-purge', { ...ssd, supports: undefined }),
    });
    expect(r).toMatchObject({
      status: 'failed',
      failedPhase: 'precheck',
      passesCompleted: 0,
      durationMs: 0,
    });
  });

  it('waits scaled time only when asked', async () => {
    const sleep = jest.fn((_ms: number) => Promise.resolve());
    const plan = planErasure('cn-2027', hdd);
    await new SimulatedStation({ ...reliable, seed: 5, sleep }).start(hdd, plan);
    expect(sleep).not.toHaveBeenCalled();
    const r = await new SimulatedStation({ ...reliable, seed: 5, sleep, timeScale: 0.001 }).start(
      hdd,
      plan,
    );
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep.mock.calls[0][0]).toBeCloseTo(r.durationMs * 0.001);
  });

  it('validates its options', () => {
    expect(() => new SimulatedStation({ failureRate: 1.5 })).toThrow();
    expect(() => new SimulatedStation({ timeScale: -1 })).toThrow();
  });
});
