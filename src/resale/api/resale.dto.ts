import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { MARKET_SORTS, type MarketSort } from '../domain/market-query.js';
import { MAX_WARRANTY_MONTHS, MIN_WARRANTY_MONTHS } from '../domain/pricing.js';
import type { ListingState, SaleOrderState } from '../data/resale.entities.js';
import { LISTING_STATES, SALE_ORDER_STATES } from '../domain/resale.machines.js';
import { Stacked } from '../../core/http/field.decorators.js';
import { PhoneNumberField } from '../../core/http/phone.js';
import { VersionDto } from '../../core/http/version.dto.js';

const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;
const MAX_PRICE_MINOR = 1_000_000_000_00;

export class AddressDto {
  @ApiProperty({ example: '310100' }) @Matches(AREA_CODE) cityCode: string;
  @ApiProperty({ example: '310104' }) @Matches(AREA_CODE) districtCode: string;
  @ApiProperty({ example: 'No. 1 Hongqiao Rd' }) @IsString() @Length(1, 200) line1: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @ApiProperty() @IsString() @Length(1, 100) contactName: string;
  @PhoneNumberField()
  contactPhone: string;
}

// ---- inventory ------------------------------------------------------------------------------

export const INVENTORY_ITEM_STATES = ['ALLOCATED', 'LISTED', 'SOLD'] as const;

export class PoolQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['premium', 'good'] })
  @IsOptional()
  @IsIn(['premium', 'good'])
  grade?: 'premium' | 'good';
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() categoryId?: string;
}

export class InventoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INVENTORY_ITEM_STATES, description: "The item's state" })
  @IsOptional()
  @IsIn(INVENTORY_ITEM_STATES)
  state?: (typeof INVENTORY_ITEM_STATES)[number];
  @ApiPropertyOptional({ format: 'uuid', description: 'Admin and support: one merchant' })
  @IsOptional()
  @IsUUID()
  merchantId?: string;
}

export class AllocateDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() itemId: string;
  @ApiProperty({ format: 'uuid', description: 'The merchant organisation' })
  @IsUUID()
  merchantId: string;
}

// ---- listings -------------------------------------------------------------------------------

/** The warranty a listing offers, in months (optional). */
const WarrantyMonthsField = () =>
  Stacked(
    ApiPropertyOptional({ minimum: MIN_WARRANTY_MONTHS, maximum: MAX_WARRANTY_MONTHS }),
    IsOptional(),
    IsInt(),
    Min(MIN_WARRANTY_MONTHS),
    Max(MAX_WARRANTY_MONTHS),
  );

export class CreateListingDto {
  @ApiProperty({ format: 'uuid', description: 'An item in your inventory (ALLOCATED)' })
  @IsUUID()
  itemId: string;
  @ApiPropertyOptional({
    description: 'Price in minor units; the suggested price when absent. Within ±30 % of it.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRICE_MINOR)
  priceMinor?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
  @WarrantyMonthsField() warrantyMonths?: number;
}

export class UpdateListingDto extends VersionDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(MAX_PRICE_MINOR) priceMinor?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
  @WarrantyMonthsField() warrantyMonths?: number;
}

export class ListingQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LISTING_STATES })
  @IsOptional()
  @IsIn(LISTING_STATES)
  state?: ListingState;
}

export class MarketQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A category at any level' })
  @IsOptional()
  @IsUUID()
  categoryId?: string;
  @ApiPropertyOptional({
    description:
      "premium or good, or a buyer's label: Excellent, Good, Fair (Back Market), Premium, Acceptable (Amazon Renewed)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  grade?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPriceMinor?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxPriceMinor?: number;
  @ApiPropertyOptional({ description: 'Words of the title, brand or category (prefix match)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
  @ApiPropertyOptional({ enum: MARKET_SORTS, default: 'newest' })
  @IsOptional()
  @IsIn(MARKET_SORTS)
  sort?: MarketSort;
}

// ---- sale orders ----------------------------------------------------------------------------

export class CheckoutDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() listingId: string;
  @ApiProperty({ type: AddressDto })
  @ValidateNested()
  @Type(() => AddressDto)
  shippingAddress: AddressDto;
}

export class ShipDto extends VersionDto {
  @ApiPropertyOptional({
    example: 'SF Express',
    description: "The carrier's name; the carrier account's by default",
  })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  carrier?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "The registered carrier account shipping it: its signed tracking webhook then proves delivery (otherwise only the buyer's confirmation does)",
  })
  @IsOptional()
  @IsUUID()
  carrierAccountId?: string;
  @ApiProperty({ example: 'SF1234567890' })
  @Matches(/^[A-Za-z0-9-]{6,40}$/, { message: 'trackingNumber must be 6-40 letters or digits' })
  trackingNumber: string;
}

export class ReturnRequestDto extends VersionDto {
  @ApiProperty() @IsString() @Length(1, 500) reason: string;
  @ApiPropertyOptional({
    type: AddressDto,
    description: 'Where the courier collects; the delivery address by default',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

export class DeclareLostDto extends VersionDto {
  @ApiProperty({
    description: "Why the parcel is taken as lost (the carrier's answer, the search done)",
  })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class RebookReturnDto extends VersionDto {
  @ApiPropertyOptional({
    type: AddressDto,
    description: 'Rebook only: where the courier collects; the last return address by default',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class CreateCarrierAccountDto {
  @ApiProperty({ example: 'SF Express' }) @IsString() @Length(1, 60) carrier: string;
  @ApiProperty({ example: 'SF Express — Shanghai merchants account' })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class SaleOrderQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SALE_ORDER_STATES })
  @IsOptional()
  @IsIn(SALE_ORDER_STATES)
  state?: SaleOrderState;
}

export class PerformanceQuery {
  @ApiPropertyOptional({ description: 'Only orders placed in the last N days; all time if absent' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  days?: number;
}
