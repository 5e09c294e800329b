import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SupportCaseReads } from '../../core/read-models/support-cases.js';

/** Support's side of the SUPPORT_CASES port: a customer's own cases. */
@Injectable()
export class SupportCaseReadModel implements SupportCaseReads {
  async caseIdsOf(manager: EntityManager, customerId: string): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      'SELECT id FROM support_cases WHERE customer_id = $1',
      [customerId],
    );
    return rows.map((r) => r.id);
  }
}
