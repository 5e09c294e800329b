import {
  type FieldOptions,
  IntField,
  NestedField,
  OneOfField,
  PatternField,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { MARKET_SORTS, type MarketSort } from '../domain/market-query.js';
import { MAX_WARRANTY_MONTHS, MIN_WARRANTY_MONTHS } from '../domain/pricing.js';
import type { ListingState, SaleOrderState } from '../data/resale.entities.js';
import { LISTING_STATES, SALE_ORDER_STATES } from '../domain/resale.machines.js';
import { AddressDto } from '../../core/http/address.dto.js';
import { VersionDto } from '../../core/http/version.dto.js';

const MAX_PRICE_MINOR = 1_000_000_000_00;

// ---- inventory ------------------------------------------------------------------------------

export const INVENTORY_ITEM_STATES = ['ALLOCATED', 'LISTED', 'SOLD'] as const;

export class PoolQuery extends PageQuery {
  @OneOfField(['premium', 'good'], { optional: true }) grade?: 'premium' | 'good';
  @UuidField({ optional: true }) categoryId?: string;
}

export class InventoryQuery extends PageQuery {
  @OneOfField(INVENTORY_ITEM_STATES, { optional: true, description: "The item's state" })
  state?: (typeof INVENTORY_ITEM_STATES)[number];
  @UuidField({ optional: true, description: 'Admin and support: one merchant' })
  merchantId?: string;
}

export class AllocateDto {
  @UuidField() itemId: string;
  @UuidField({ description: 'The merchant organisation' }) merchantId: string;
}

// ---- listings -------------------------------------------------------------------------------

/** The warranty a listing offers, in months (optional). */
const WarrantyMonthsField = () =>
  IntField({ min: MIN_WARRANTY_MONTHS, max: MAX_WARRANTY_MONTHS, optional: true });
/** A listing's title and description (optional). */
const TitleField = () => TextField({ length: [1, 200], optional: true });
const DescriptionField = () => TextField({ maxLength: 4000, optional: true });
/** A price in minor units, optional. */
const PriceField = (options: FieldOptions = {}) =>
  IntField({ min: 1, max: MAX_PRICE_MINOR, optional: true, ...options });
/** A price bound of the market's search (a query parameter). */
const PriceBoundField = () =>
  IntField({ min: 0, max: Number.MAX_SAFE_INTEGER, optional: true, coerce: true });

export class CreateListingDto {
  @UuidField({ description: 'An item in your inventory (ALLOCATED)' }) itemId: string;
  @PriceField({
    description: 'Price in minor units; the suggested price when absent. Within ±30 % of it.',
  })
  priceMinor?: number;
  @TitleField() title?: string;
  @DescriptionField() description?: string;
  @WarrantyMonthsField() warrantyMonths?: number;
}

export class UpdateListingDto extends VersionDto {
  @PriceField() priceMinor?: number;
  @TitleField() title?: string;
  @DescriptionField() description?: string;
  @WarrantyMonthsField() warrantyMonths?: number;
}

export class ListingQuery extends PageQuery {
  @OneOfField(LISTING_STATES, { optional: true }) state?: ListingState;
}

export class MarketQuery {
  @IntField({ min: 1, max: 100, optional: true, coerce: true, default: 20 }) limit?: number;
  @TextField({
    maxLength: 300,
    optional: true,
    description: 'Opaque cursor from the previous page',
  })
  cursor?: string;
  @UuidField({ optional: true, description: 'A category at any level' }) categoryId?: string;
  @TextField({
    maxLength: 20,
    optional: true,
    description:
      "premium or good, or a buyer's label: Excellent, Good, Fair (Back Market), Premium, Acceptable (Amazon Renewed)",
  })
  grade?: string;
  @PriceBoundField() minPriceMinor?: number;
  @PriceBoundField() maxPriceMinor?: number;
  @TextField({
    maxLength: 100,
    optional: true,
    description: 'Words of the title, brand or category (prefix match)',
  })
  q?: string;
  @OneOfField(MARKET_SORTS, { optional: true, default: 'newest' }) sort?: MarketSort;
}

// ---- sale orders ----------------------------------------------------------------------------

export class CheckoutDto {
  @UuidField() listingId: string;
  @NestedField(AddressDto) shippingAddress: AddressDto;
}

export class ShipDto extends VersionDto {
  @TextField({
    length: [1, 60],
    optional: true,
    example: 'SF Express',
    description: "The carrier's name; the carrier account's by default",
  })
  carrier?: string;
  @UuidField({
    optional: true,
    description:
      "The registered carrier account shipping it: its signed tracking webhook then proves delivery (otherwise only the buyer's confirmation does)",
  })
  carrierAccountId?: string;
  @PatternField(/^[A-Za-z0-9-]{6,40}$/, {
    message: 'trackingNumber must be 6-40 letters or digits',
    example: 'SF1234567890',
  })
  trackingNumber: string;
}

export class ReturnRequestDto extends VersionDto {
  @TextField({ length: [1, 500] }) reason: string;
  @NestedField(AddressDto, {
    optional: true,
    description: 'Where the courier collects; the delivery address by default',
  })
  address?: AddressDto;
}

export class DeclareLostDto extends VersionDto {
  @TextField({
    length: [1, 500],
    description: "Why the parcel is taken as lost (the carrier's answer, the search done)",
  })
  reason: string;
}

export class RebookReturnDto extends VersionDto {
  @NestedField(AddressDto, {
    optional: true,
    description: 'Rebook only: where the courier collects; the last return address by default',
  })
  address?: AddressDto;
  @TextField({ maxLength: 1000, optional: true }) note?: string;
}

export class CreateCarrierAccountDto {
  @TextField({ length: [1, 60], example: 'SF Express' }) carrier: string;
  @TextField({ length: [1, 200], example: 'SF Express — Shanghai merchants account' })
  name: string;
}

export class SaleOrderQuery extends PageQuery {
  @OneOfField(SALE_ORDER_STATES, { optional: true }) state?: SaleOrderState;
}

export class PerformanceQuery {
  @IntField({
    min: 1,
    max: 3650,
    optional: true,
    coerce: true,
    description: 'Only orders placed in the last N days; all time if absent',
  })
  days?: number;
}
