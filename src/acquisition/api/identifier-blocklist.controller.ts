import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../core/actor.js';
import { NotFound } from '../../core/errors.js';
import { CurrentActor, Roles } from '../../core/http/access.decorators.js';
import { PageQuery, toPage } from '../../core/http/pagination.js';
import { IdParam } from '../../core/http/route.decorators.js';
import { normaliseIdentifier } from '../../valuation/engine/fraud.js';
import { BlockedIdentifierRepository } from '../data/blocked-identifier.repository.js';
import { BlockIdentifierDto } from './trade-ins.dto.js';

/** Serials and IMEIs reported lost, stolen or financed: an order with one is held for review. */
@ApiTags('trade-ins')
@Controller('identifier-blocklist')
export class BlocklistController {
  constructor(private readonly blocklist: BlockedIdentifierRepository) {}

  @Get()
  @Roles('admin', 'support')
  async list(@Query() q: PageQuery) {
    const limit = q.limit ?? 50;
    const rows = await this.blocklist.latest(q, limit);
    return toPage(rows, limit, (b) => b);
  }

  @Post()
  @Roles('admin')
  add(@CurrentActor() actor: Actor, @Body() dto: BlockIdentifierDto) {
    return this.blocklist.add(
      normaliseIdentifier(dto.identifier),
      dto.reason ?? null,
      actor.userId,
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  async remove(@IdParam() id: string): Promise<void> {
    if (!(await this.blocklist.remove(id))) throw new NotFound('Blocked identifier', id);
  }
}
