import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PhoneNumberField } from './phone.js';

class Contact {
  @PhoneNumberField() contactPhone: string;
}

function read(contactPhone: unknown) {
  const dto = plainToInstance(Contact, { contactPhone });
  const errors = validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}));
  return { value: dto.contactPhone, errors };
}

describe('contact phone numbers as people write them', () => {
  it.each(['13800138000', '138 0013 8000', '138-0013-8000', '+86 138 0013 8000', '+8613800138000'])(
    'accepts %s as +8613800138000',
    (input) => {
      expect(read(input)).toEqual({ value: '+8613800138000', errors: [] });
    },
  );

  it('accepts a foreign number with its country code', () => {
    expect(read('+44 20 7946 0958')).toEqual({ value: '+442079460958', errors: [] });
  });

  it.each(['12345', 'call me', '+86 000'])('refuses %s and names the field', (input) => {
    const { value, errors } = read(input);
    expect(value).toBe(input);
    expect(errors).toContain('contactPhone must be a valid phone number');
  });

  it('refuses what is not text', () => {
    expect(read(13800138000).errors.length).toBeGreaterThan(0);
  });
});
