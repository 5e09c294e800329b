import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../auth/access.decorators.js';
import {
  DropOffStoreDto,
  ReplaceServiceAreaDto,
  ServiceAreaDto,
  StoreFilter,
} from './service-areas.dto.js';
import { ServiceAreasService } from './service-areas.service.js';

/** Where couriers collect. Reading is public (no personal data); changing is for admins. */
@ApiTags('service-areas')
@Controller('service-areas')
export class ServiceAreasController {
  constructor(private readonly areas: ServiceAreasService) {}

  @Get()
  @Public()
  async list() {
    return { items: await this.areas.listAreas() };
  }

  @Get(':cityCode')
  @Public()
  get(@Param('cityCode') cityCode: string) {
    return this.areas.getArea(cityCode);
  }

  @Post()
  @ApiBearerAuth()
  @Roles('admin')
  create(@Body() dto: ServiceAreaDto) {
    return this.areas.saveArea(dto, 'create');
  }

  @Put(':cityCode')
  @ApiBearerAuth()
  @Roles('admin')
  replace(@Param('cityCode') cityCode: string, @Body() dto: ReplaceServiceAreaDto) {
    return this.areas.saveArea({ ...dto, cityCode }, 'replace');
  }

  /** Switches the area off: new orders there are refused; booked pickups keep their rules. */
  @Delete(':cityCode')
  @HttpCode(204)
  @ApiBearerAuth()
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
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.areas.getStore(id);
  }

  @Post()
  @ApiBearerAuth()
  @Roles('admin')
  create(@Body() dto: DropOffStoreDto) {
    return this.areas.saveStore(dto);
  }

  @Put(':id')
  @ApiBearerAuth()
  @Roles('admin')
  replace(@Param('id', ParseUUIDPipe) id: string, @Body() dto: DropOffStoreDto) {
    return this.areas.saveStore(dto, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiBearerAuth()
  @Roles('admin')
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.areas.deactivateStore(id);
  }
}
