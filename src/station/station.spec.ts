import { describe, expect, it } from '@jest/globals';
import { generateSigningKeyPair } from '../erasure/domain/index.js';
import { nwipeMethodFor } from './nwipe.js';
import { sampleOffsets } from './sample-verify.js';
import { deviceAllowed, loadStationConfig } from './station-config.js';

describe('station', () => {
  it('maps a plan to an nwipe method that always ends with a zero pass', () => {
    expect(nwipeMethodFor(1)).toMatchObject({ method: 'zero', rounds: 1, blank: false });
    expect(nwipeMethodFor(3)).toMatchObject({ method: 'dodshort', blank: true });
    expect(nwipeMethodFor(7)).toMatchObject({ method: 'dod522022m', blank: true });
    expect(nwipeMethodFor(2)).toMatchObject({ method: 'zero', rounds: 2, blank: false });
  });

  it('samples first, last and at least the asked share of blocks, reproducibly', () => {
    const size = 1000 * 65536 + 100; // a short last block
    const a = sampleOffsets(size, 1, 'seed');
    expect(a).toEqual(sampleOffsets(size, 1, 'seed'));
    expect(a).not.toEqual(sampleOffsets(size, 1, 'other'));
    expect(a[0]).toBe(0);
    expect(a.at(-1)).toBe(1000 * 65536);
    expect(a.length).toBe(Math.ceil(1001 / 100) + 2);
    expect(new Set(a).size).toBe(a.length);
    expect(sampleOffsets(3 * 65536, 1, 's')).toEqual([0, 65536, 131072]);
    expect(sampleOffsets(100 * 65536, 100, 's')).toHaveLength(100);
  });

  it('wipes only listed devices', () => {
    expect(deviceAllowed(['/dev/sd*'], '/dev/sdb')).toBe(true);
    expect(deviceAllowed(['/dev/sdb'], '/dev/sdbb')).toBe(false);
    expect(deviceAllowed(['/dev/loop*'], '/dev/nvme0n1')).toBe(false);
  });

  it('says in one line what to set', () => {
    const key = generateSigningKeyPair().privateKeyPem;
    const base = {
      STATION_PLATFORM_URL: 'https://reloop.example.com/',
      STATION_ID: '00000000-0000-4000-8000-000000000000',
      STATION_KEY: key,
      STATION_DEVICES: '/dev/sdb,/dev/sdc',
      STATION_LOOP_SERIALS: '/tmp/a.img=LOOP-1',
    };
    const config = loadStationConfig(base);
    expect(config.platformUrl).toBe('https://reloop.example.com');
    expect(config.loopSerials.get('/tmp/a.img')).toBe('LOOP-1');
    expect(() => loadStationConfig({ ...base, STATION_ID: 'x' })).toThrow(/STATION_ID/);
    expect(() => loadStationConfig({ ...base, STATION_DEVICES: '' })).toThrow(/STATION_DEVICES/);
    expect(() => loadStationConfig({ ...base, STATION_KEY: 'nope' })).toThrow(/Ed25519/);
    expect(() =>
      loadStationConfig({ ...base, STATION_KEY: generateSigningKeyPair().publicKeyPem }),
    ).toThrow(/Ed25519/);
    expect(() => loadStationConfig({ ...base, STATION_SAMPLE_PERCENT: '0.5' })).toThrow(
      /STATION_SAMPLE_PERCENT/,
    );
  });
});
