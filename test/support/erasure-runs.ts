import type { ErasureRunRecord, Medium } from '../../src/erasure/domain/types.js';

/** A laptop's hard drive (Western Digital, 500 GB) on the item A2B3C4D5E6. */
export const LAPTOP_DRIVE: Medium & { itemTraceCode: string } = {
  id: 'med-1',
  mediaType: 'hdd',
  serial: 'WD-WCAYU1234567',
  manufacturer: 'Western Digital',
  model: 'WD5000AAKX',
  capacityBytes: 500_107_862_016,
  itemTraceCode: 'A2B3C4D5E6',
};

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
