import { Module } from '@nestjs/common';
import { LedgerController } from './ledger/ledger.controller.js';
import { LedgerService } from './ledger/ledger.service.js';

/**
 * Money (issue 23): the double-entry ledger every money event is posted to, in the transaction
 * of the state change that causes it. Stages import this module (it imports no stage).
 */
@Module({
  controllers: [LedgerController],
  providers: [LedgerService],
  exports: [LedgerService],
})
export class MoneyModule {}
