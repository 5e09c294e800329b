import { Module, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ExecuteTransfer } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { LedgerController } from './ledger/ledger.controller.js';
import { LedgerService } from './ledger/ledger.service.js';
import { PAYMENT_PROVIDER } from './providers/payment-provider.js';
import { PaymentProviders } from './providers/payment-providers.js';
import { TestPaymentProvider } from './providers/test-provider.js';
import { PayoutAccountsService } from './transfers/payout-accounts.service.js';
import { TransferHooks } from './transfers/transfer-hooks.js';
import { TransfersController } from './transfers/transfers.controller.js';
import { TransfersService } from './transfers/transfers.service.js';

/**
 * Money (issue 23): the double-entry ledger every money event is posted to, in the transaction
 * of the state change that causes it; the payment provider chosen by PAYMENT_PROVIDER; refunds
 * and payouts run as outbox jobs with the provider's idempotency key. Stages import this
 * module (it imports no stage) and register hooks for their own transfers.
 */
@Module({
  controllers: [LedgerController, TransfersController],
  providers: [
    LedgerService,
    TestPaymentProvider,
    {
      provide: PaymentProviders,
      inject: [APP_CONFIG, TestPaymentProvider],
      useFactory: (config: AppConfig, test: TestPaymentProvider) => {
        switch (config.payments.provider) {
          case 'test-pay':
            return new PaymentProviders(test);
        }
      },
    },
    {
      provide: PAYMENT_PROVIDER,
      inject: [PaymentProviders],
      useFactory: (p: PaymentProviders) => p.active,
    },
    TransferHooks,
    TransfersService,
    PayoutAccountsService,
  ],
  exports: [
    LedgerService,
    PAYMENT_PROVIDER,
    PaymentProviders,
    TestPaymentProvider,
    TransferHooks,
    TransfersService,
  ],
})
export class MoneyModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobHandlerRegistry,
    private readonly transfers: TransfersService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(ExecuteTransfer, (p, ctx) => this.transfers.execute(p.transferId, ctx));
  }
}
