import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SignedIn } from '../../core/http/access.decorators.js';
import { PickupWindows } from '../pickup-windows.js';

const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;

export class PickupWindowsQuery {
  @ApiProperty({ example: '310100' }) @Matches(AREA_CODE) cityCode: string;
  @ApiProperty({ example: '310104' }) @Matches(AREA_CODE) districtCode: string;
}

@ApiTags('pickups')
@Controller('pickup-windows')
export class PickupWindowsController {
  constructor(private readonly windows: PickupWindows) {}

  /** The free pickup windows for an address (city and district), earliest first. */
  @Get()
  @SignedIn()
  free(@Query() query: PickupWindowsQuery) {
    return this.windows.free(query);
  }
}
