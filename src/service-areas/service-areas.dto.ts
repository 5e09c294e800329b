import { OmitType } from '@nestjs/swagger';
import {
  BooleanField,
  IntField,
  NestedListField,
  PatternField,
  TextField,
  UuidField,
} from '../core/http/field.decorators.js';

const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;
const LOCAL_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export class PickupWindowDto {
  @PatternField(LOCAL_TIME, { example: '09:00' }) start: string;
  @PatternField(LOCAL_TIME, { example: '11:00' }) end: string;
  @IntField({ min: 0, max: 100_000, description: 'Pickups the area takes in this window per day' })
  capacity: number;
}

export class DistrictDto {
  @PatternField(AREA_CODE, { example: '110105' }) code: string;
  @TextField({ length: [1, 100], example: 'Chaoyang' }) name: string;
  @TextField({ maxLength: 100, optional: true, example: '朝阳区' }) nameZh?: string;
}

export class ServiceAreaDto {
  @PatternField(AREA_CODE, { example: '110100' }) cityCode: string;
  @TextField({ length: [1, 100], example: 'Beijing' }) cityName: string;
  @TextField({ maxLength: 100, optional: true, example: '北京' }) cityNameZh?: string;
  @TextField({ length: [1, 64], example: 'Asia/Shanghai' }) timeZone: string;
  @IntField({
    min: 0,
    max: 23,
    optional: true,
    default: 15,
    description: 'Local hour at which same-day ordering closes',
  })
  cutoffHour?: number;
  @BooleanField() sameDay: boolean;
  @NestedListField(PickupWindowDto, { minItems: 1, maxItems: 48 }) windows: PickupWindowDto[];
  @NestedListField(DistrictDto, { minItems: 1, maxItems: 5000 }) districts: DistrictDto[];
  @IntField({ min: 1, max: 60, optional: true, default: 7 }) bookingDaysAhead?: number;
  @IntField({ min: 0, max: 1440, optional: true, default: 60 }) minLeadMinutes?: number;
  @BooleanField({ optional: true, default: true }) active?: boolean;
}

/** PUT body: the whole area; the city code is in the path. */
export class ReplaceServiceAreaDto extends OmitType(ServiceAreaDto, ['cityCode'] as const) {}

export class DropOffStoreDto {
  @PatternField(/^[a-z0-9-]{2,60}$/, { example: 'store-sh-jingan' }) code: string;
  @TextField({ length: [1, 200] }) name: string;
  @TextField({ maxLength: 200, optional: true }) nameZh?: string;
  @PatternField(AREA_CODE, { example: '310100' }) cityCode: string;
  @PatternField(AREA_CODE, { example: '310106' }) districtCode: string;
  @TextField({ length: [1, 500] }) address: string;
  @TextField({ maxLength: 100, optional: true, example: '10:00-22:00' }) openingHours?: string;
  @UuidField({
    optional: true,
    description: 'The `store` organisation whose staff work here',
  })
  organisationId?: string;
  @BooleanField({ optional: true, default: true }) active?: boolean;
}

export class StoreFilter {
  @PatternField(AREA_CODE, { optional: true }) cityCode?: string;
}
