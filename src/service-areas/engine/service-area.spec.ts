import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_BOOKING_DAYS_AHEAD,
  DEFAULT_CUTOFF_HOUR,
  DEFAULT_MIN_LEAD_MINUTES,
  defineServiceArea,
  standardWindows,
  validateServiceArea,
  validateServiceAreas,
  type ServiceAreaInput,
} from './service-area.js';

const base: ServiceAreaInput = {
  cityCode: '440300',
  cityName: 'Shenzhen',
  timeZone: 'Asia/Shanghai',
  sameDay: true,
  windows: standardWindows(10),
  districts: [
    { code: '440304', name: 'Futian' },
    { code: '440305', name: 'Nanshan' },
  ],
};

describe('defineServiceArea', () => {
  it('fills the defaults: 15:00 cut-off, 60 min lead, 7 days ahead', () => {
    const a = defineServiceArea(base);
    expect(DEFAULT_CUTOFF_HOUR).toBe(15);
    expect(a).toMatchObject({
      cutoffHour: DEFAULT_CUTOFF_HOUR,
      minLeadMinutes: DEFAULT_MIN_LEAD_MINUTES,
      bookingDaysAhead: DEFAULT_BOOKING_DAYS_AHEAD,
    });
    expect(a.windows.map((w) => `${w.start}-${w.end}`)).toEqual([
      '09:00-11:00',
      '11:00-13:00',
      '13:00-15:00',
      '15:00-17:00',
      '17:00-19:00',
    ]);
  });

  it('rejects bad settings', () => {
    expect(() => defineServiceArea({ ...base, timeZone: 'China/Beijing' })).toThrow(/time zone/);
    expect(() => defineServiceArea({ ...base, cutoffHour: 24 })).toThrow(/cutoffHour/);
    expect(() => defineServiceArea({ ...base, bookingDaysAhead: 0 })).toThrow(/bookingDaysAhead/);
    expect(() => defineServiceArea({ ...base, districts: [] })).toThrow(/district/);
    expect(() => defineServiceArea({ ...base, windows: [] })).toThrow(/window/);
  });

  it('rejects malformed, inverted, overlapping windows and bad capacity', () => {
    const w = (start: string, end: string, capacity = 1) => ({ start, end, capacity });
    const problems = (windows: ReturnType<typeof w>[]) =>
      validateServiceArea({ ...defineServiceArea(base), windows });
    expect(problems([w('9:00', '11:00')])).toEqual([expect.stringMatching(/window 0/)]);
    expect(problems([w('11:00', '09:00')])).toEqual(['window 0: end must be after start']);
    expect(problems([w('09:00', '11:00'), w('10:00', '12:00')])).toEqual([
      'window 1: overlaps or is out of order',
    ]);
    expect(problems([w('09:00', '11:00', -1)])).toEqual([
      'window 0: capacity must be an integer >= 0',
    ]);
    expect(problems([w('20:00', '24:00')])).toEqual([]);
  });

  it('rejects duplicate districts, within an area and across areas', () => {
    const dup = { code: '440304', name: 'Futian again' };
    expect(() => defineServiceArea({ ...base, districts: [...base.districts, dup] })).toThrow(
      /duplicate district/,
    );
    const a = defineServiceArea(base);
    const b = defineServiceArea({ ...base, cityCode: '440100', cityName: 'Guangzhou' });
    expect(validateServiceAreas([a, b])).toEqual([
      'district 440304 is in both 440300 and 440100',
      'district 440305 is in both 440300 and 440100',
    ]);
    expect(validateServiceAreas([a, a])).toContain('duplicate city code 440300');
  });
});
