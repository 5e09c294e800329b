import type { ErasureRunRecord } from '../../src/erasure/domain/types.js';

/**
 * A flash medium's successful cryptographic erasure with full verification, as a tool reports it
 * (2 February 2027, 08:00–08:05 UTC); the test names the tool and the medium's serial.
 */
export function cryptoEraseRun(
  run: Pick<ErasureRunRecord, 'source' | 'tool' | 'serial'> & Partial<ErasureRunRecord>,
): ErasureRunRecord {
  return {
    technique: 'crypto-erase',
    methodName: 'Cryptographic Erasure',
    passesCompleted: 1,
    verification: { method: 'full', outcome: 'passed' },
    status: 'succeeded',
    startedAt: '2027-02-02T08:00:00.000Z',
    finishedAt: '2027-02-02T08:05:00.000Z',
    logs: [],
    ...run,
  };
}
