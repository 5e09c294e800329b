import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import {
  BooleanField,
  EmailField,
  ObjectField,
  OneOfField,
  TextField,
  UuidField,
} from '../core/http/field.decorators.js';
import { USER_ROLES, type UserRole } from '../core/actor.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisation.entity.js';

/** What every new account gives: a password and a name. */
class NewAccountFields {
  @TextField({ minLength: 10, maxLength: 200 }) password: string;
  @TextField({ length: [1, 100] }) name: string;
}

/**
 * A customer signs up with a mobile number (the 11-digit mainland form, spaces and +86 welcome)
 * or an e-mail, or both; either then signs in.
 */
export class RegisterDto extends NewAccountFields {
  @EmailField({ optional: true, description: 'Optional when a phone is given' }) email?: string;
  @TextField({
    maxLength: 40,
    optional: true,
    example: '13812345678',
    description:
      'The mobile to sign in with: a mainland mobile in its usual 11 digits, or any number with +country code. Optional when an e-mail is given.',
  })
  phone?: string;
  @ApiPropertyOptional({
    example: '012345',
    description:
      'The six-digit code sent to `phone` (POST /auth/sign-up-codes), where GET /auth/sign-up says `phoneCode: required`',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'phoneCode must be the six digits of the code sent' })
  phoneCode?: string;
}

/** Send a sign-up code to a mobile number (where owner messages reach phones). */
export class SignUpCodeRequestDto {
  @TextField({ maxLength: 40, example: '13812345678' }) phone: string;
  @OneOfField(['zh-CN', 'en'], { optional: true, default: 'zh-CN' }) language?: 'zh-CN' | 'en';
}

/** Where the refresh token goes: the body (API clients) or an httpOnly cookie (the console). */
export const REFRESH_DELIVERY = ['body', 'cookie'] as const;
export type RefreshDelivery = (typeof REFRESH_DELIVERY)[number];

/** The mobile number an account signed up with, to sign in or reset its password by. */
const SignedUpPhoneField = () =>
  TextField({
    maxLength: 40,
    optional: true,
    example: '13812345678',
    description: 'The mobile signed up with',
  });

/** Sign in with the e-mail or the mobile number (exactly one of them) and the password. */
export class LoginDto {
  @EmailField({ optional: true }) email?: string;
  @SignedUpPhoneField() phone?: string;
  @TextField({ maxLength: 200 }) password: string;
  @OneOfField(REFRESH_DELIVERY, {
    optional: true,
    default: 'body',
    description:
      "'cookie': the refresh token is set as an httpOnly cookie and left out of the body",
  })
  refreshIn?: RefreshDelivery;
}

export class RefreshDto {
  @TextField({
    length: [20, 200],
    optional: true,
    description: 'Omit to use the reloop_refresh cookie',
  })
  refreshToken?: string;
}

export class ChangePasswordDto {
  @TextField({ maxLength: 200 }) currentPassword: string;
  @TextField({ minLength: 10, maxLength: 200 }) newPassword: string;
}

/** Ask for a reset code by the account's e-mail or its sign-in mobile number (exactly one). */
export class PasswordResetRequestDto {
  @EmailField({ optional: true }) email?: string;
  @SignedUpPhoneField() phone?: string;
}

export class PasswordResetConfirmDto extends PasswordResetRequestDto {
  @ApiProperty({ example: '01234567' })
  @IsString()
  @Matches(/^\d{8}$/, { message: 'code must be the eight digits of the code sent' })
  code: string;
  @TextField({ minLength: 10, maxLength: 200 }) newPassword: string;
}

export class CreateUserDto extends NewAccountFields {
  @EmailField() email: string;
  @TextField({ maxLength: 40, optional: true, example: '+86 138 0013 8000' }) phone?: string;
  @OneOfField(USER_ROLES) role: UserRole;
  @UuidField({ optional: true }) organisationId?: string;
  @BooleanField({ optional: true, description: 'Warehouse staff only: a lead of their warehouse' })
  lead?: boolean;
}

export class CreateOrganisationDto {
  @OneOfField(ORGANISATION_KINDS) kind: OrganisationKind;
  @TextField({ length: [1, 200] }) name: string;
  @TextField({ maxLength: 40, optional: true }) cityCode?: string;
  @TextField({ maxLength: 500, optional: true }) address?: string;
  @ObjectField({
    optional: true,
    description: 'e.g. { "refurbishes": ["phone"], "recycles": true }',
  })
  capabilities?: Record<string, unknown>;
}

/** Issue 17: an admin registers (or withdraws) a partner or merchant as a certified erasure provider. */
export class ErasureProviderDto {
  @BooleanField({
    description:
      'true: items whose storage media are not certified yet may be handed to this organisation, which then wipes them',
  })
  certified: boolean;
  @TextField({
    length: [1, 200],
    optional: true,
    description: 'Their certification, e.g. "ADISA ADC-2026-0042"',
  })
  certification?: string;
}
