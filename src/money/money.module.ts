import { Module, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ExecuteTransfer, ReconcileStatements } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { LedgerController } from './ledger/ledger.controller.js';
import { LedgerRepository } from './data/ledger.repository.js';
import { PayoutAccountRepository } from './data/payout-account.repository.js';
import { ReconciliationRepository } from './data/reconciliation.repository.js';
import { SettlementRepository } from './data/settlement.repository.js';
import { TestProviderRepository } from './data/test-provider.repository.js';
import { TransferRepository } from './data/transfer.repository.js';
import { LedgerService } from './ledger/ledger.service.js';
import { PAYMENT_PROVIDER } from './providers/payment-provider.js';
import { PaymentProviders } from './providers/payment-providers.js';
import { TestPaymentProvider } from './providers/test-provider.js';
import { WeChatPayProvider } from './providers/wechatpay.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { InboundWebhookVerifiers } from '../notifications/webhooks/inbound-verifiers.js';
import { ReconciliationController } from './reconciliation/reconciliation.controller.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';
import { ReconciliationRuns } from './reconciliation/reconciliation-runs.service.js';
import { ReconciliationSchedule } from './reconciliation/reconciliation-schedule.service.js';
import { SettlementController } from './settlement/settlement.controller.js';
import { SettlementService } from './settlement/settlement.service.js';
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
  imports: [NotificationsModule],
  controllers: [
    LedgerController,
    TransfersController,
    SettlementController,
    ReconciliationController,
  ],
  providers: [
    LedgerRepository,
    PayoutAccountRepository,
    TestProviderRepository,
    SettlementRepository,
    TransferRepository,
    ReconciliationRepository,
    LedgerService,
    TestPaymentProvider,
    {
      provide: PaymentProviders,
      inject: [APP_CONFIG, TestPaymentProvider],
      useFactory: (config: AppConfig, test: TestPaymentProvider) => {
        switch (config.payments.provider) {
          case 'test-pay':
            return new PaymentProviders(test);
          case 'wechatpay': {
            if (!config.payments.wechatpay) throw new Error('WeChat Pay is not configured');
            // Outside production the test provider stays reachable (refunds of demo payments).
            return new PaymentProviders(
              new WeChatPayProvider(config.payments.wechatpay),
              config.env === 'production' ? [] : [test],
            );
          }
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
    SettlementService,
    ReconciliationService,
    ReconciliationRuns,
    ReconciliationSchedule,
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
    private readonly providers: PaymentProviders,
    private readonly verifiers: InboundWebhookVerifiers,
    private readonly hooks: TransferHooks,
    private readonly settlement: SettlementService,
    private readonly reconciliation: ReconciliationSchedule,
  ) {}

  onModuleInit(): void {
    this.jobs.register(ExecuteTransfer, (p, ctx) => this.transfers.execute(p.transferId, ctx));
    this.jobs.register(ReconcileStatements, (p) => this.reconciliation.runJob(p));
    this.hooks.register('settlement', {
      settled: (m, t) => this.settlement.onPayoutSettled(m, t),
    });
    // Providers with their own notification scheme are verified by it, not by Reloop's HMAC.
    for (const provider of this.providers.all()) {
      const verify = provider.verifyNotification?.bind(provider);
      if (verify) {
        this.verifiers.register(provider.name, async (headers, raw) => {
          const v = await verify(headers, raw);
          return { eventId: v.eventId, type: v.type, data: v.data, payload: v.payload };
        });
      }
    }
  }
}
