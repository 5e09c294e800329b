import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { Roles } from '../http/access.decorators.js';
import { ItemsService } from '../items/items.service.js';
import { Clock } from '../clock.js';
import { decodeCursor, encodeCursor, PageQuery } from '../http/pagination.js';
import type { StatefulRow } from '../state-machine/machine.js';
import { humanDuration, StateMachineRegistry } from '../state-machine/state-machine.registry.js';
import { StuckWorkService } from './stuck-work.service.js';

export class StuckWorkQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only this machine, e.g. Pickup' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  machine?: string;

  @ApiPropertyOptional({ description: 'Only this state, e.g. RETURNING_TO_OWNER' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z_]{0,59}$/)
  state?: string;

  @ApiPropertyOptional({
    description: 'Stuck for more than this many minutes past the state’s limit (default 0)',
    minimum: 0,
    maximum: 525_600,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(525_600)
  overMinutes?: number;
}

/** Support's queue of stuck work: every row past its state's limit, longest waiting first. */
@ApiTags('support')
@Controller('support/stuck-work')
export class StuckWorkController {
  constructor(
    private readonly stuck: StuckWorkService,
    private readonly machines: StateMachineRegistry,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly items: ItemsService,
  ) {}

  @Get()
  @Roles('support', 'admin')
  async list(@Query() q: StuckWorkQuery) {
    if (q.machine && !this.machines.get(q.machine)) {
      throw new BadRequestException({
        message: `Invalid input: machine ${q.machine} does not exist`,
        fields: [{ field: 'machine', errors: ['unknown machine'] }],
      });
    }
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const now = this.clock.now();
    const rows = await this.stuck.find({
      now,
      overMs: (q.overMinutes ?? 0) * 60_000,
      machine: q.machine,
      state: q.state,
      limit: limit + 1,
      after: cursor ? { at: new Date(cursor.at), id: cursor.id } : null,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const escalations = page.length
      ? await this.dataSource.query<
          Array<{
            entity_id: string;
            state_entered_at: Date;
            case_key: string;
            reason: string | null;
            escalated_at: Date;
            case_id: string | null;
            case_state: string | null;
          }>
        >(
          `SELECT e.entity_id, e.state_entered_at, e.case_key, e.reason, e.escalated_at,
                  c.id AS case_id, c.state AS case_state
             FROM stuck_escalations e LEFT JOIN support_cases c ON c.dedupe_key = e.case_key
            WHERE e.entity_id = ANY($1::uuid[])`,
          [page.map((r) => r.id)],
        )
      : [];
    const items = [];
    for (const r of page) {
      const machine = this.machines.get(r.machine)!;
      const entity = await this.dataSource
        .getRepository<StatefulRow>(machine.entity)
        .findOne({ where: { id: r.id } });
      const itemIds = entity ? await machine.itemIds(entity, this.dataSource.manager) : [];
      const known = await this.items.traceCodes(itemIds);
      const codes = [...known].map(([id, traceCode]) => ({ id, traceCode }));
      const escalation = escalations.find(
        (e) =>
          e.entity_id === r.id && new Date(e.state_entered_at).getTime() === r.enteredAt.getTime(),
      );
      const stuckForMs = now.getTime() - r.enteredAt.getTime();
      items.push({
        machine: r.machine,
        id: r.id,
        state: r.state,
        enteredAt: r.enteredAt,
        stuckForMs,
        stuckFor: humanDuration(Math.max(60_000, Math.round(stuckForMs / 60_000) * 60_000)),
        limitMs: r.limitMs,
        limit: humanDuration(r.limitMs),
        followUp: r.followUp,
        why: r.why,
        items: codes,
        escalation: escalation
          ? {
              caseId: escalation.case_id,
              caseState: escalation.case_state,
              reason: escalation.reason,
              escalatedAt: escalation.escalated_at,
            }
          : null,
      });
    }
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ at: last.enteredAt.toISOString(), id: last.id })
          : null,
    };
  }
}
