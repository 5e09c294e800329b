/**
 * The "done when" scenarios, played through the pure engine (the services add the
 * queue, the database's unique constraint and HTTP on top).
 */
import { describe, expect, it } from '@jest/globals';
import { LAPTOP_DRIVE } from '../../../test/support/erasure-runs.js';
import {
  buildErasureCertificate,
  generateSigningKeyPair,
  type SignedCertificate,
  signCertificate,
  verifyCertificate,
} from './certificate.js';
import { buildDestructionCertificate, routeAfterFailure } from './destruction.js';
import { checkErasureGate } from './gate.js';
import { importReport, matchReportToMedium, SerialMismatchError } from './importers.js';
import { checkRunAgainstPolicy, planErasure } from './policies.js';
import { samplingReport, selectForReverification } from './sampling.js';
import { SimulatedStation } from './station.js';

const keys = generateSigningKeyPair();
const publicKeys = { [keys.keyId]: keys.publicKeyPem };
const laptopDrive = { ...LAPTOP_DRIVE, id: 'med-42' };
const clock = () => new Date('2027-03-01T02:00:00.000Z');
/** A station whose wipes and verifications always succeed. */
const reliableStation = (seed: string) =>
  new SimulatedStation({ seed, failureRate: 0, verificationFailureRate: 0, clock });

/** One idempotent "wipe job": plan, run, check, certify. The store is keyed by certificate id. */
async function wipeJob(
  station: SimulatedStation,
  store: Map<string, SignedCertificate>,
  jobId: string,
): Promise<string> {
  const plan = planErasure('cn-2027', laptopDrive);
  const run = await station.start(laptopDrive, plan, { attempt: 1 });
  expect(checkRunAgainstPolicy('cn-2027', laptopDrive, run)).toEqual([]);
  const doc = buildErasureCertificate({
    medium: laptopDrive,
    run,
    runId: jobId,
    policy: 'cn-2027',
    operator: { name: 'Li Wei' },
    verifier: { name: 'Wang Fang' },
    destination: 'reuse',
  });
  if (!store.has(doc.certificateId)) {
    store.set(
      doc.certificateId,
      signCertificate(doc, { keyId: keys.keyId, privateKey: keys.privateKeyPem }),
    );
  }
  return doc.certificateId;
}

describe('erasure scenarios', () => {
  it('a wipe job run twice yields one certificate', async () => {
    const station = reliableStation('twice');
    const store = new Map<string, SignedCertificate>();
    const first = await wipeJob(station, store, 'job-1');
    const second = await wipeJob(station, store, 'job-1');
    expect(second).toBe(first);
    expect(store.size).toBe(1);
  });

  it('a failed wipe is retried and then routed to destruction, which is certified', async () => {
    const station = new SimulatedStation({ seed: 'doomed', failureRate: 1, clock });
    const plan = planErasure('cn-2027', laptopDrive);
    const decisions: string[] = [];
    let attempt = 1;
    for (;;) {
      const run = await station.start(laptopDrive, plan, { attempt });
      expect(run.status).toBe('failed');
      const routing = routeAfterFailure(laptopDrive, {
        attempt,
        failedPhase: run.failedPhase,
        reason: run.failureReason,
      });
      decisions.push(routing.action);
      if (routing.action === 'destroy') {
        const cert = buildDestructionCertificate({
          medium: laptopDrive,
          destruction: {
            technique: routing.technique,
            equipment: { name: 'Untha RS30', version: 'svc-2026-10' },
            startedAt: new Date('2027-03-02T08:00:00Z'),
            completedAt: new Date('2027-03-02T08:01:00Z'),
            reason: routing.reason,
            destructionId: 'd-7',
          },
          operator: { name: 'Li Wei' },
          verifier: { name: 'Wang Fang' },
        });
        const signed = signCertificate(cert, { keyId: keys.keyId, privateKey: keys.privateKeyPem });
        expect(verifyCertificate(signed, publicKeys).valid).toBe(true);
        expect(signed.document.sanitization.level).toBe('Destroy');
        break;
      }
      attempt = routing.nextAttempt;
    }
    expect(decisions).toEqual(['retry', 'retry', 'destroy']);
  });

  it('a tampered certificate fails verification', async () => {
    const station = reliableStation('t');
    const store = new Map<string, SignedCertificate>();
    const id = await wipeJob(station, store, 'job-9');
    const forged = structuredClone(store.get(id)!);
    forged.document.media.serial = 'WD-SOMEOTHERDISK';
    expect(verifyCertificate(store.get(id), publicKeys).valid).toBe(true);
    expect(verifyCertificate(forged, publicKeys)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('an imported report with a wrong serial is refused', () => {
    const report = importReport(
      [
        'Serial: WD-WCAYU7654321',
        'Method: DoD Short',
        'Status: ERASED',
        'Start time: 2027/02/01 09:00:00',
        'End time: 2027/02/01 12:00:00',
      ].join('\n'),
    );
    expect(() => matchReportToMedium(report, laptopDrive)).toThrow(SerialMismatchError);
  });

  it('the listing gate refuses an unwiped item', () => {
    const gate = checkErasureGate({
      requiresErasure: true,
      media: [laptopDrive],
      certificates: [],
      publicKeys,
    });
    expect(gate.allowed).toBe(false);
  });

  it('samples at or above 5 % per batch', () => {
    const wipes = Array.from({ length: 333 }, (_, i) => ({
      wipeId: `w${i}`,
      batchId: `2027-03-0${1 + (i % 3)}`,
      operatorId: `op${i % 4}`,
    }));
    const report = samplingReport(wipes, selectForReverification(wipes, { salt: 'secret' }));
    expect(report.overall.rate).toBeGreaterThanOrEqual(0.05);
    for (const batch of report.byBatch) {
      expect(batch.rate).toBeGreaterThanOrEqual(0.05);
      expect(batch.meetsTarget).toBe(true);
    }
  });
});
