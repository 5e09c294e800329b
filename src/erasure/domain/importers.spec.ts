import { describe, expect, it } from '@jest/globals';
import {
  detectReportFormat,
  importReport,
  matchReportToMedium,
  methodFromName,
  parseBlanccoReport,
  parseCapacity,
  parseNwipeReport,
  parseToolTimestamp,
  parseXml,
  ReportParseError,
  SerialMismatchError,
} from './importers.js';
import { checkRunAgainstPolicy } from './policies.js';
import type { Medium } from './types.js';

// The fields of nwipe's single-disc PDF certificate, as text.
const NWIPE_REPORT = `Disk Erasure Report
Page 1 - Erasure Status
Disk Model: WDC WD5000AAKX-00ERMA0
Disk S/N: WD-WCAYU1234567
Business Name: Reloop Warehouse Shanghai
Make/Model: WDC WD5000AAKX-00ERMA0
Serial: WD-WCAYU1234567
Bus: ATA
Size(Apparent): 500GB, 500107862016 bytes
Size(Real): 500GB, 500107862016 bytes
Start time: 2027/02/01 09:00:00
End time: 2027/02/01 12:42:10
Duration: 03:42:10
Status: ERASED
Method: DoD Short
PRNG algorithm: Isaac64
Final Pass(Zeros/Ones/None): Zeros
Verify Pass(Last/All/None): Last
*Bytes Erased: 500107862016, (100.00%)
Rounds(completed/requested): 1/1
HPA/DCO: No hidden sectors
Throughput: 150 MB/sec
Errors(pass/sync/verify): 0/0/0
Name/ID: Li Wei
System S/N: PF2ABCDE
Disc Erasure by NWIPE version 0.37`;

const NWIPE_LOG = `[2027/02/01 09:00:00] notice: Program options are set as follows...
[2027/02/01 09:00:00] notice:   method   = PRNG Stream
[2027/02/01 09:00:00] notice:   rounds   = 1
[2027/02/01 09:00:00] notice:   verify   = 1 (last pass)
[2027/02/01 09:00:00] notice: Start time: 2027/02/01 09:00:00
[2027/02/01 10:00:00] notice: End time: 2027/02/01 10:00:00
********************************************************************************
! Device | Status | Thru-put | HH:MM:SS | Model/Serial Number
--------------------------------------------------------------------------------
  sdb |    FAILED | 140 MB/s | 01:00:00 | ST1000DM003-1CH162/Z1D5ABCD
********************************************************************************
nwipe version: 0.35`;

const BLANCCO_XML = `<?xml version="1.0" encoding="UTF-8"?>
<root>
  <report>
    <blancco_data>
      <description>
        <document_log>
          <entries name="author">
            <entry name="product_name" type="string">Blancco Drive Eraser</entry>
            <entry name="product_version" type="string">7.9.0</entry>
          </entries>
        </document_log>
      </description>
      <blancco_erasure_report>
        <entries name="erasures">
          <entries name="erasure">
            <entries name="target">
              <entry name="serial" type="string">  s3z4nb0k123456p </entry>
              <entry name="vendor" type="string">Samsung</entry>
              <entry name="model" type="string">Samsung SSD 870 EVO 1TB</entry>
              <entry name="capacity" type="uint">1000204886016</entry>
            </entries>
            <entry name="erasure_standard_name" type="string">Sanitize Block Erase</entry>
            <entry name="overwriting_rounds" type="uint">1</entry>
            <entry name="verification" type="string">100%</entry>
            <entry name="state" type="string">Successful</entry>
            <entry name="start_time" type="string">2027-02-01T10:52:22+0800</entry>
            <entry name="end_time" type="string">2027-02-01T10:55:40+0800</entry>
          </entries>
          <entries name="erasure">
            <entries name="target">
              <entry name="serial" type="string">OTHER-DRIVE</entry>
              <entry name="capacity" type="uint">256060514304</entry>
            </entries>
            <entry name="erasure_standard_name" type="string">NIST 800-88 Purge</entry>
            <entry name="verification" type="string">10%</entry>
            <entry name="state" type="string">Failed</entry>
            <entry name="start_time" type="string">2027-02-01T11:00:00+0800</entry>
            <entry name="end_time" type="string">2027-02-01T11:30:00+0800</entry>
          </entries>
        </entries>
      </blancco_erasure_report>
    </blancco_data>
  </report>
</root>`;

const BLANCCO_JSON = JSON.stringify({
  report: {
    software: { name: 'Blancco Mobile Diagnostics & Erasure', version: '5.2.1' },
    erasures: [
      {
        target: { serial: 'F17ABC123', vendor: 'Apple', model: 'iPhone 12', capacity: '128 GB' },
        method: { name: 'Cryptographic Erasure', passes: 1 },
        verification: { method: 'Full', result: 'Passed' },
        state: 'Successful',
        start_time: '2027-02-02T08:00:00Z',
        end_time: '2027-02-02T08:05:00Z',
        operator: 'Zhang San',
      },
    ],
  },
});

describe('parseNwipeReport', () => {
  it('reads the certificate fields into a normalised run', () => {
    const run = parseNwipeReport(NWIPE_REPORT);
    expect(run).toMatchObject({
      source: 'nwipe',
      tool: { name: 'nwipe', version: '0.37' },
      serial: 'WD-WCAYU1234567',
      model: 'WDC WD5000AAKX-00ERMA0',
      capacityBytes: 500_107_862_016,
      bytesErased: 500_107_862_016,
      technique: 'overwrite',
      methodName: 'DoD Short',
      // 3 DoD Short passes + final zero blanking pass
      passesCompleted: 4,
      passesRequested: 4,
      verification: { method: 'full', outcome: 'passed' },
      status: 'succeeded',
      // local China time → UTC
      startedAt: '2027-02-01T01:00:00.000Z',
      finishedAt: '2027-02-01T04:42:10.000Z',
      operator: 'Li Wei',
      host: 'PF2ABCDE',
    });
    const hdd: Medium = {
      mediaType: 'hdd',
      serial: 'wd-wcayu1234567',
      capacityBytes: 500_107_862_016,
    };
    expect(checkRunAgainstPolicy('cn-2027', hdd, run)).toEqual([]);
  });

  it('honours a configured UTC offset and rounds/verification variants', () => {
    const run = parseNwipeReport(
      NWIPE_REPORT.replace('Rounds(completed/requested): 1/1', 'Rounds(completed/requested): 1/2')
        .replace('Final Pass(Zeros/Ones/None): Zeros', 'Final Pass(Zeros/Ones/None): None')
        .replace('Verify Pass(Last/All/None): Last', 'Verify Pass(Last/All/None): None')
        .replace('Status: ERASED', 'Status: ABORTED'),
      { defaultUtcOffset: 'Z' },
    );
    expect(run).toMatchObject({
      passesCompleted: 3,
      passesRequested: 6,
      verification: { method: 'none', outcome: 'not-run' },
      status: 'failed',
      failureReason: 'nwipe status ABORTED',
      startedAt: '2027-02-01T09:00:00.000Z',
    });
  });

  it('marks verification failed when nwipe counted verify errors', () => {
    const run = parseNwipeReport(
      NWIPE_REPORT.replace(
        'Errors(pass/sync/verify): 0/0/0',
        'Errors(pass/sync/verify): 0/0/12',
      ).replace('Status: ERASED', 'Status: FAILED'),
    );
    expect(run.verification).toEqual({ method: 'full', outcome: 'failed' });
    expect(run.status).toBe('failed');
  });

  it('accepts the log form with timestamps, option manifest and summary table', () => {
    const run = parseNwipeReport(NWIPE_LOG);
    expect(run).toMatchObject({
      serial: 'Z1D5ABCD',
      model: 'ST1000DM003-1CH162',
      methodName: 'PRNG Stream',
      technique: 'overwrite',
      status: 'failed',
      verification: { method: 'full', outcome: 'failed' },
      tool: { version: '0.35' },
    });
    expect(run.logs.length).toBeGreaterThan(5);
  });

  it('rejects reports without serial, method, status or times', () => {
    expect(() => parseNwipeReport('Method: DoD Short\nStatus: ERASED')).toThrow(ReportParseError);
    expect(() =>
      parseNwipeReport(
        NWIPE_REPORT.replace(/^Serial:.*$/m, 'Serial: Unknown').replace(/^Disk S\/N:.*$/m, ''),
      ),
    ).toThrow(/serial/);
    expect(() => parseNwipeReport(NWIPE_REPORT.replace(/^Method:.*$/m, ''))).toThrow(/method/);
    expect(() => parseNwipeReport(NWIPE_REPORT.replace(/^Start time:.*$/m, ''))).toThrow(/time/);
  });
});

describe('parseBlanccoReport', () => {
  it('reads every erasure of an XML report in Blancco entries layout', () => {
    const runs = parseBlanccoReport(BLANCCO_XML);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      source: 'blancco',
      tool: { name: 'Blancco Drive Eraser', version: '7.9.0' },
      serial: 's3z4nb0k123456p',
      manufacturer: 'Samsung',
      model: 'Samsung SSD 870 EVO 1TB',
      capacityBytes: 1_000_204_886_016,
      technique: 'block-erase',
      passesCompleted: 1,
      verification: { method: 'full', outcome: 'passed' },
      status: 'succeeded',
      startedAt: '2027-02-01T02:52:22.000Z',
      finishedAt: '2027-02-01T02:55:40.000Z',
    });
    // "NIST 800-88 Purge" does not say what was done: no technique is claimed
    expect(runs[1]).toMatchObject({
      technique: null,
      status: 'failed',
      verification: { method: 'sample', outcome: 'failed' },
    });
  });

  it('reads a JSON report with nested method and verification objects', () => {
    const [run] = parseBlanccoReport(BLANCCO_JSON);
    expect(run).toMatchObject({
      tool: { name: 'Blancco Mobile Diagnostics & Erasure', version: '5.2.1' },
      serial: 'F17ABC123',
      capacityBytes: 128e9,
      technique: 'crypto-erase',
      verification: { method: 'full', outcome: 'passed' },
      operator: 'Zhang San',
    });
    const phone: Medium = { mediaType: 'flash', serial: 'F17ABC123', capacityBytes: 128e9 };
    expect(checkRunAgainstPolicy('nist-purge', phone, run)).toEqual([]);
  });

  it('rejects unusable reports', () => {
    expect(() => parseBlanccoReport('not a report')).toThrow(ReportParseError);
    expect(() => parseBlanccoReport('{"report": {}}')).toThrow(/no erasure/);
    expect(() => parseBlanccoReport('<root><erasure><target></target></erasure></root>')).toThrow(
      /serial/,
    );
    expect(() => parseBlanccoReport('<root><erasure></root>')).toThrow(ReportParseError);
  });
});

describe('matchReportToMedium', () => {
  const ssd: Medium = {
    mediaType: 'ssd',
    serial: 'S3Z4NB0K123456P',
    capacityBytes: 1_000_204_886_016,
  };

  it('picks the run for the medium, ignoring case and whitespace', () => {
    const runs = importReport(BLANCCO_XML);
    expect(matchReportToMedium(runs, ssd).capacityBytes).toBe(1_000_204_886_016);
    expect(matchReportToMedium(runs, { serial: ' other-drive ' }).serial).toBe('OTHER-DRIVE');
  });

  it('refuses a report whose serial does not match', () => {
    const run = parseNwipeReport(NWIPE_REPORT);
    expect(() => matchReportToMedium(run, ssd)).toThrow(SerialMismatchError);
    expect(() => matchReportToMedium(run, { serial: 'WD-WCAYU1234568' })).toThrow(/not for medium/);
    expect(() => matchReportToMedium(run, { serial: '   ' })).toThrow(SerialMismatchError);
    expect(() => matchReportToMedium([], ssd)).toThrow(SerialMismatchError);
  });
});

describe('helpers', () => {
  it('maps method names', () => {
    expect(methodFromName('Gutmann Wipe')).toEqual({ technique: 'overwrite', passesPerRound: 35 });
    expect(methodFromName('DoD 5220.22-M')).toEqual({ technique: 'overwrite', passesPerRound: 7 });
    expect(methodFromName('Fill With Zeros').passesPerRound).toBe(1);
    expect(methodFromName('Zero Fill').technique).toBe('overwrite');
    expect(methodFromName('NVMe Sanitize (Crypto Erase)').technique).toBe('crypto-erase');
    expect(methodFromName('NVMe Format / Sanitize').technique).toBe('nvme-sanitize');
    expect(methodFromName('ATA Sanitize Overwrite').technique).toBe('ata-sanitize');
    expect(methodFromName('ATA Secure Erase').technique).toBe('ata-secure-erase');
    expect(methodFromName('Verify Zeros').technique).toBeNull();
    expect(methodFromName('Blancco Proprietary').technique).toBeNull();
  });

  it('parses capacities and timestamps', () => {
    expect(parseCapacity('500GB, 500107862016 bytes')).toBe(500_107_862_016);
    expect(parseCapacity('1,000,204,886,016')).toBe(1_000_204_886_016);
    expect(parseCapacity('465.8 GiB')).toBe(Math.round(465.8 * 2 ** 30));
    expect(parseCapacity('big')).toBeUndefined();
    expect(parseToolTimestamp('2027/02/01 09:00:00', '+00:00')).toBe('2027-02-01T09:00:00.000Z');
    expect(parseToolTimestamp('2027-02-01T09:00:00Z')).toBe('2027-02-01T09:00:00.000Z');
    expect(parseToolTimestamp('2027-02-01 09:00:00 UTC')).toBe('2027-02-01T09:00:00.000Z');
    expect(parseToolTimestamp('1801990800')).toBe(new Date(1_801_990_800_000).toISOString());
    expect(parseToolTimestamp('yesterday')).toBeUndefined();
  });

  it('detects the format and parses XML with entities and CDATA', () => {
    expect(detectReportFormat(BLANCCO_XML)).toBe('blancco');
    expect(detectReportFormat(BLANCCO_JSON)).toBe('blancco');
    expect(detectReportFormat(NWIPE_REPORT)).toBe('nwipe');
    const doc = parseXml('<a x="1 &amp; 2"><b><![CDATA[<raw>]]></b><c>&lt;&#65;&#x42;</c><d/></a>');
    const a = doc.children[0];
    expect(a.attrs.x).toBe('1 & 2');
    expect(a.children.map((c) => c.text)).toEqual(['<raw>', '<AB', '']);
  });
});
