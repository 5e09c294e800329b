import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength } from 'class-validator';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 form of a phone number (China by default), or null if it is not a valid number. */
export function normalisePhone(input: string, defaultCountry: 'CN' = 'CN'): string | null {
  const parsed = parsePhoneNumberFromString(input, defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * A contact phone as people write it — `13800138000`, `138 0013 8000`, `+86 138-0013-8000` —
 * stored in E.164. An invalid number stays as typed so the error names it.
 */
export function PhoneNumberField() {
  return applyDecorators(
    ApiProperty({
      example: '13800138000',
      description: 'A mainland mobile in its usual 11 digits, or any number with +country code',
      maxLength: 40,
      // What people may type; validation checks the number once normalised to E.164.
      pattern: '^\\+?[0-9 ()-]{7,40}$',
    }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (normalisePhone(value) ?? value) : value,
    ),
    IsString(),
    MaxLength(40),
    Matches(/^\+[1-9]\d{6,14}$/, { message: '$property must be a valid phone number' }),
  );
}
