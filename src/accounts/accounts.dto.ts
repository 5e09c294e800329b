import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { USER_ROLES, type UserRole } from '../core/actor.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisation.entity.js';

/** What every new account gives: a password and a name. */
class NewAccountFields {
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) password: string;
  @ApiProperty() @IsString() @Length(1, 100) name: string;
}

/**
 * A customer signs up with a mobile number (the 11-digit mainland form, spaces and +86 welcome)
 * or an e-mail, or both; either then signs in.
 */
export class RegisterDto extends NewAccountFields {
  @ApiPropertyOptional({ description: 'Optional when a phone is given' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
  @ApiPropertyOptional({
    example: '13812345678',
    description:
      'The mobile to sign in with: a mainland mobile in its usual 11 digits, or any number with +country code. Optional when an e-mail is given.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
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
  @ApiProperty({ example: '13812345678' }) @IsString() @MaxLength(40) phone: string;
  @ApiPropertyOptional({ enum: ['zh-CN', 'en'], default: 'zh-CN' })
  @IsOptional()
  @IsIn(['zh-CN', 'en'])
  language?: 'zh-CN' | 'en';
}

/** Where the refresh token goes: the body (API clients) or an httpOnly cookie (the console). */
export const REFRESH_DELIVERY = ['body', 'cookie'] as const;
export type RefreshDelivery = (typeof REFRESH_DELIVERY)[number];

/** Sign in with the e-mail or the mobile number (exactly one of them) and the password. */
export class LoginDto {
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ example: '13812345678', description: 'The mobile signed up with' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;
  @ApiProperty() @IsString() @MaxLength(200) password: string;
  @ApiPropertyOptional({
    enum: REFRESH_DELIVERY,
    default: 'body',
    description:
      "'cookie': the refresh token is set as an httpOnly cookie and left out of the body",
  })
  @IsOptional()
  @IsIn(REFRESH_DELIVERY)
  refreshIn?: RefreshDelivery;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'Omit to use the reloop_refresh cookie' })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(200) currentPassword: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) newPassword: string;
}

/** Ask for a reset code by the account's e-mail or its sign-in mobile number (exactly one). */
export class PasswordResetRequestDto {
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ example: '13812345678', description: 'The mobile signed up with' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;
}

export class PasswordResetConfirmDto extends PasswordResetRequestDto {
  @ApiProperty({ example: '01234567' })
  @IsString()
  @Matches(/^\d{8}$/, { message: 'code must be the eight digits of the code sent' })
  code: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) newPassword: string;
}

export class CreateUserDto extends NewAccountFields {
  @ApiProperty() @IsEmail() @MaxLength(254) email: string;
  @ApiPropertyOptional({ example: '+86 138 0013 8000' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;
  @ApiProperty({ enum: USER_ROLES }) @IsIn(USER_ROLES) role: UserRole;
  @ApiPropertyOptional() @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ description: 'Warehouse staff only: a lead of their warehouse' })
  @IsOptional()
  @IsBoolean()
  lead?: boolean;
}

export class CreateOrganisationDto {
  @ApiProperty({ enum: ORGANISATION_KINDS }) @IsIn(ORGANISATION_KINDS) kind: OrganisationKind;
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) cityCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) address?: string;
  @ApiPropertyOptional({ description: 'e.g. { "refurbishes": ["phone"], "recycles": true }' })
  @IsOptional()
  @IsObject()
  capabilities?: Record<string, unknown>;
}

/** Issue 17: an admin registers (or withdraws) a partner or merchant as a certified erasure provider. */
export class ErasureProviderDto {
  @ApiProperty({
    description:
      'true: items whose storage media are not certified yet may be handed to this organisation, which then wipes them',
  })
  @IsBoolean()
  certified: boolean;
  @ApiPropertyOptional({ description: 'Their certification, e.g. "ADISA ADC-2026-0042"' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  certification?: string;
}
