import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OptionalActor, Public, Roles } from '../core/http/access.decorators.js';
import type { Actor } from '../core/actor.js';
import {
  DropOffStoreDto,
  ReplaceServiceAreaDto,
  ServiceAreaDto,
  StoreFilter,
} from './service-areas.dto.js';
import { ServiceAreasService } from './service-areas.service.js';
import { IdParam } from '../core/http/route.decorators.js';

/**
 * Each window's courier capacity is operations data (issue 18): how many couriers work an area
 * tells a competitor the size of the fleet. Admins and support read it; everyone else reads the
 * windows without it.
 */
type WindowView = { start: string; end: string; capacity?: number };

function forAudience<A extends { windows: ReadonlyArray<WindowView> }>(
  area: A,
  actor: Actor | null,
): Omit<A, 'windows'> & { windows: WindowView[] } {
  if (actor && (actor.role === 'admin' || actor.role === 'support')) {
    return { ...area, windows: [...area.windows] };
  }
  return { ...area, windows: area.windows.map((w) => ({ start: w.start, end: w.end })) };
}

/** Where couriers collect. Reading is public (no personal data); changing is for admins. */
@ApiTags('service-areas')
@Controller('service-areas')
export class ServiceAreasController {
  constructor(private readonly areas: ServiceAreasService) {}

  @Get()
  @Public()
  async list(@OptionalActor() actor: Actor | null) {
    return { items: (await this.areas.listAreas()).map((a) => forAudience(a, actor)) };
  }

  @Get(':cityCode')
  @Public()
  async get(@OptionalActor() actor: Actor | null, @Param('cityCode') cityCode: string) {
    return forAudience(await this.areas.getArea(cityCode), actor);
  }

  @Post()
  @Roles('admin')
  create(@Body() dto: ServiceAreaDto) {
    return this.areas.saveArea(dto, 'create');
  }

  @Put(':cityCode')
  @Roles('admin')
  replace(@Param('cityCode') cityCode: string, @Body() dto: ReplaceServiceAreaDto) {
    return this.areas.saveArea({ ...dto, cityCode }, 'replace');
  }

  /** Switches the area off: new orders there are refused; booked pickups keep their rules. */
  @Delete(':cityCode')
  @HttpCode(204)
  @Roles('admin')
  async remove(@Param('cityCode') cityCode: string): Promise<void> {
    await this.areas.deactivateArea(cityCode);
  }
}

@ApiTags('service-areas')
@Controller('drop-off-stores')
export class DropOffStoresController {
  constructor(private readonly areas: ServiceAreasService) {}

  @Get()
  @Public()
  async list(@Query() filter: StoreFilter) {
    return { items: await this.areas.listStores(filter.cityCode) };
  }

  @Get(':id')
  @Public()
  get(@IdParam() id: string) {
    return this.areas.getStore(id);
  }

  @Post()
  @Roles('admin')
  create(@Body() dto: DropOffStoreDto) {
    return this.areas.saveStore(dto);
  }

  @Put(':id')
  @Roles('admin')
  replace(@IdParam() id: string, @Body() dto: DropOffStoreDto) {
    return this.areas.saveStore(dto, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  async remove(@IdParam() id: string): Promise<void> {
    await this.areas.deactivateStore(id);
  }
}
