// The response types of the seller's screens (sign-up, selling, windows), kept in one file so
// they can be swapped for the generated API client's types.
import type { Money, Stateful } from './types.js';

/** POST /auth/register */
export interface SignUpAnswer {
  user: { id: string; email: string | null; phone: string | null; name: string };
  accessToken: string;
}

/** GET /categories (tree): what can be sold, by category. */
export interface CategoryNode {
  id: string;
  code: string;
  name: string;
  nameZh: string | null;
  level: number;
  leaf: boolean;
  children?: CategoryNode[];
}

/** GET /product-models?categoryId&q */
export interface ProductModel {
  id: string;
  code: string;
  brand: string;
  model: string;
  categoryId: string;
  launchDate: string | null;
  launchPrice: Money | null;
}

/** GET /drop-off-stores?cityCode */
export interface DropOffStore {
  id: string;
  code: string;
  name: string;
  nameZh: string | null;
  cityCode: string;
  districtCode: string;
  address: string;
  openingHours: string | null;
}

/** One window of GET /pickup-windows. */
export interface PickupWindow {
  date: string;
  windowIndex: number;
  start: string;
  end: string;
  windowStart: string;
  windowEnd: string;
  sameDay: boolean;
  remaining: number;
}

export interface FreeWindows {
  cityCode: string;
  cityName: string;
  timeZone: string;
  windows: PickupWindow[];
}

/** One step of a price: the launch price, then what raised or lowered it. */
export interface PriceLine {
  code: string;
  label: string;
  amountMinor: number;
}

export interface ItemValuation extends Money {
  lowMinor: number;
  highMinor: number;
  confidence: number;
  grade: string | null;
  lines: PriceLine[];
}

export interface SellOrderItem extends Stateful {
  productModelId: string | null;
  traceCode: string | null;
  quote: ItemValuation | null;
  finalOffer: ItemValuation | null;
  explanation: {
    differenceMinor: number;
    lines: Array<{ code: string; label: string; differenceMinor: number }>;
  } | null;
  payout: { amountMinor: number; currency: string; status: string; paidAt: string | null } | null;
}

/** GET /trade-ins/:id as its owner reads it. */
export interface SellOrder extends Stateful {
  channel: 'online' | 'store';
  storeId: string | null;
  address: { cityCode?: string; districtCode?: string; line1?: string };
  quotedTotal: Money | null;
  quoteValidUntil: string | null;
  pickup: {
    state?: string;
    promisedWindow?: { localDate?: string; local?: string; start?: string; end?: string };
  } | null;
  items: SellOrderItem[];
  createdAt: string;
}
