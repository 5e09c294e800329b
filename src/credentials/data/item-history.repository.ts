import { Injectable } from '@nestjs/common';
import { DataRepository } from '../../core/data/repository.js';
import { STORED_EVENT_COLUMNS, type StoredEvent } from '../../core/history/history.service.js';

/** An item's chain head as the items table holds it. */
export interface ItemHead {
  id: string;
  trace_code: string;
  history_seq: number;
  history_hash: string;
}

/** An item's history rows, read to check them against its head and the checkpoints. */
@Injectable()
export class ItemHistoryRepository extends DataRepository {
  async byTraceCode(code: string): Promise<ItemHead | undefined> {
    const [item] = await this.dataSource.query<ItemHead[]>(
      'SELECT id, trace_code, history_seq, history_hash FROM items WHERE trace_code = $1',
      [code],
    );
    return item;
  }

  events(itemId: string): Promise<StoredEvent[]> {
    return this.dataSource.query<StoredEvent[]>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM item_events WHERE item_id = $1 ORDER BY seq, id`,
      [itemId],
    );
  }
}
