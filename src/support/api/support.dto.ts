import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { CASE_KINDS, type CaseKind } from '../domain/sla.js';
import { SUPPORT_CASE_STATES, type SupportCaseState } from '../domain/support-case.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

export const ORDER_KINDS = ['trade-in', 'sale-order', 'store-intake'] as const;

export class OrderRefDto {
  @ApiProperty({ enum: ORDER_KINDS }) @IsIn(ORDER_KINDS) kind: (typeof ORDER_KINDS)[number];
  @ApiProperty() @IsUUID() id: string;
}

export class OpenCaseDto {
  @ApiProperty({ enum: CASE_KINDS }) @IsIn(CASE_KINDS) kind: CaseKind;
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(500) summary: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMaxSize(20)
  itemIds?: string[];

  @ApiPropertyOptional({ type: OrderRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderRefDto)
  orderRef?: OrderRefDto;

  @ApiPropertyOptional({ description: 'Staff only: the customer concerned' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ description: 'Staff only: the organisation concerned' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ description: 'Staff only: assign at once' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  detail?: Record<string, unknown>;
}

export class AssignCaseDto extends VersionDto {
  @ApiProperty() @IsUUID() assigneeId: string;
}

export class ResolveCaseDto extends VersionDto {
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(2000) resolution: string;
}

export class ReopenCaseDto extends VersionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class AddNoteDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(5000) body: string;

  @ApiPropertyOptional({
    description: 'Staff: internal (default true) or a reply the customer sees. Customers: false.',
  })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
}

const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CaseListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SUPPORT_CASE_STATES })
  @IsOptional()
  @IsIn(SUPPORT_CASE_STATES)
  state?: SupportCaseState;

  @ApiPropertyOptional({ enum: CASE_KINDS }) @IsOptional() @IsIn(CASE_KINDS) kind?: CaseKind;
  @ApiPropertyOptional() @IsOptional() @IsUUID() assigneeId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() itemId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() customerId?: string;

  @ApiPropertyOptional({ description: 'Only cases past (true) or within (false) their SLA' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  breached?: boolean;
}
