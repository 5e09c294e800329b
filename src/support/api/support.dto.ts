import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsOptional, IsUUID } from 'class-validator';
import {
  BooleanField,
  NestedField,
  ObjectField,
  OneOfField,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { CASE_KINDS, type CaseKind } from '../domain/sla.js';
import { SUPPORT_CASE_STATES, type SupportCaseState } from '../domain/support-case.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

export const ORDER_KINDS = ['trade-in', 'sale-order', 'store-intake'] as const;

export class OrderRefDto {
  @OneOfField(ORDER_KINDS) kind: (typeof ORDER_KINDS)[number];
  @UuidField() id: string;
}

export class OpenCaseDto {
  @OneOfField(CASE_KINDS) kind: CaseKind;
  @TextField({ minLength: 3, maxLength: 500 }) summary: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMaxSize(20)
  itemIds?: string[];

  @NestedField(OrderRefDto, { optional: true }) orderRef?: OrderRefDto;

  @UuidField({ optional: true, description: 'Staff only: the customer concerned' })
  customerId?: string;

  @UuidField({ optional: true, description: 'Staff only: the organisation concerned' })
  organisationId?: string;

  @UuidField({ optional: true, description: 'Staff only: assign at once' }) assigneeId?: string;

  @ObjectField({ optional: true, type: 'object', additionalProperties: true })
  detail?: Record<string, unknown>;
}

export class AssignCaseDto extends VersionDto {
  @UuidField() assigneeId: string;
}

export class ResolveCaseDto extends VersionDto {
  @TextField({ minLength: 3, maxLength: 2000 }) resolution: string;
}

export class ReopenCaseDto extends VersionDto {
  @TextField({ maxLength: 2000, optional: true }) reason?: string;
}

export class AddNoteDto {
  @TextField({ minLength: 1, maxLength: 5000 }) body: string;

  @BooleanField({
    optional: true,
    description: 'Staff: internal (default true) or a reply the customer sees. Customers: false.',
  })
  internal?: boolean;
}

export class CaseListQuery extends PageQuery {
  @OneOfField(SUPPORT_CASE_STATES, { optional: true }) state?: SupportCaseState;

  @OneOfField(CASE_KINDS, { optional: true }) kind?: CaseKind;
  @UuidField({ optional: true }) assigneeId?: string;
  @UuidField({ optional: true }) itemId?: string;
  @UuidField({ optional: true }) orderId?: string;
  @UuidField({ optional: true }) customerId?: string;

  @BooleanField({
    optional: true,
    coerce: true,
    description: 'Only cases past (true) or within (false) their SLA',
  })
  breached?: boolean;
}
