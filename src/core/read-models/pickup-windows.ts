import type { EntityManager } from 'typeorm';

/**
 * The pickup windows logistics offers (issue 22), as far as another stage needs them: acquisition
 * checks the window an owner chose when accepting an offer. Logistics implements it and provides
 * it under PICKUP_WINDOWS (issue 20: a read model the producer owns, published through core).
 */
export const PICKUP_WINDOWS = Symbol('PickupWindows');

export interface PickupWindowBooking {
  /**
   * In the caller's transaction: the chosen window must still be offered at `now` (400
   * otherwise) and have a place left (409 `pickup_window_full`).
   */
  assertBookable(
    manager: EntityManager,
    address: PickupAddress,
    choice: PickupWindowChoice,
    now: Date,
  ): Promise<void>;
}

/** What an owner picks at acceptance: a local day and the index of one of the area's windows. */
export interface PickupWindowChoice {
  date: string;
  windowIndex: number;
}

export interface PickupAddress {
  cityCode: string;
  districtCode: string;
  line1: string;
  line2?: string;
}
