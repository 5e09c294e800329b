import type { EntityManager } from 'typeorm';

/**
 * What tracking needs from support's cases: which cases are a customer's own, so an owner's
 * timeline shows the events of their own cases and not other people's. Support implements it
 * and provides it under SUPPORT_CASES (issue 20: no other stage reads support's tables).
 */
export const SUPPORT_CASES = Symbol('SupportCases');

export interface SupportCaseReads {
  /**
   * The ids of the cases opened for this customer (their own cases), read through the caller's
   * connection (the timeline's primary or replica).
   */
  caseIdsOf(manager: EntityManager, customerId: string): Promise<string[]>;
}
