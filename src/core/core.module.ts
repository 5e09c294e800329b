import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryService } from './history/history.service.js';
import { ItemEvent } from './history/item-event.entity.js';
import { IdempotencyKey } from './idempotency/idempotency-key.entity.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { Item } from './items/item.entity.js';
import { ItemMachine } from './items/item.machine.js';
import { ItemsController } from './items/items.controller.js';
import { ItemsService } from './items/items.service.js';
import { JobHandlerRegistry } from './jobs/job-handler.registry.js';
import { QueueService } from './jobs/queue.service.js';
import { OutboxEntry } from './outbox/outbox.entity.js';
import { OutboxService } from './outbox/outbox.service.js';
import { StateMachineRegistry } from './state-machine/state-machine.registry.js';
import { StateMachinesController } from './state-machine/state-machines.controller.js';
import { TransitionService } from './state-machine/transition.service.js';

const SERVICES = [
  StateMachineRegistry,
  TransitionService,
  HistoryService,
  OutboxService,
  JobHandlerRegistry,
  QueueService,
  ItemsService,
  IdempotencyInterceptor,
];

/** The shared core every stage builds on: state machines, history, outbox, jobs, items. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Item, ItemEvent, OutboxEntry, IdempotencyKey])],
  controllers: [ItemsController, StateMachinesController],
  providers: SERVICES,
  exports: SERVICES,
})
export class CoreModule implements OnModuleInit {
  constructor(private readonly machines: StateMachineRegistry) {}

  onModuleInit(): void {
    this.machines.register(ItemMachine);
  }
}
