import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Stacked } from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';

const EVENT_TYPE = /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+)$/;

/** A subscription's event types: 1 to 50 dotted kebab-case names, or '*'. */
const IsEventTypes = () =>
  Stacked(
    IsArray(),
    IsString({ each: true }),
    MaxLength(100, { each: true }),
    Matches(EVENT_TYPE, { each: true, message: 'each event type is dotted kebab-case or *' }),
    ArrayMinSize(1),
    ArrayMaxSize(50),
  );

export class CreateSubscriptionDto {
  @ApiProperty({ example: 'https://partner.example.com/reloop/webhooks' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({
    type: [String],
    example: ['support-case.opened'],
    description: "Event types, or '*' for all",
  })
  @IsEventTypes()
  eventTypes: string[];

  @ApiPropertyOptional({ description: 'Admin only: the organisation (omit: platform-wide)' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) description?: string;
}

export class UpdateSubscriptionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) url?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsEventTypes()
  eventTypes?: string[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) description?: string;
}

export class SubscriptionListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() organisationId?: string;
}

export class DeliveryListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() subscriptionId?: string;
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: 'pending' | 'delivered' | 'failed';
}

export class ProviderSecretDto {
  @ApiProperty({ description: 'Shared secret the provider signs its webhooks with' })
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class InboundListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) provider?: string;
}
