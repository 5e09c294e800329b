import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  BooleanField,
  OneOfField,
  Stacked,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
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
  @TextField({ maxLength: 2000, example: 'https://partner.example.com/reloop/webhooks' })
  url: string;

  @ApiProperty({
    type: [String],
    example: ['support-case.opened'],
    description: "Event types, or '*' for all",
  })
  @IsEventTypes()
  eventTypes: string[];

  @UuidField({
    optional: true,
    description: 'Admin only: the organisation (omit: platform-wide)',
  })
  organisationId?: string;

  @TextField({ maxLength: 200, optional: true }) description?: string;
}

export class UpdateSubscriptionDto {
  @TextField({ maxLength: 2000, optional: true }) url?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsEventTypes()
  eventTypes?: string[];

  @BooleanField({ optional: true }) active?: boolean;
  @TextField({ maxLength: 200, optional: true }) description?: string;
}

export class SubscriptionListQuery extends PageQuery {
  @UuidField({ optional: true }) organisationId?: string;
}

export class DeliveryListQuery extends PageQuery {
  @UuidField({ optional: true }) subscriptionId?: string;
  @OneOfField(['pending', 'delivered', 'failed'], { optional: true })
  status?: 'pending' | 'delivered' | 'failed';
}

export class ProviderSecretDto {
  @TextField({
    minLength: 16,
    maxLength: 200,
    description: 'Shared secret the provider signs its webhooks with',
  })
  secret: string;

  @BooleanField({ optional: true }) active?: boolean;
}

export class InboundListQuery extends PageQuery {
  @TextField({ maxLength: 40, optional: true }) provider?: string;
}
