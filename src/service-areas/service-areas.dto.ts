import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;
const LOCAL_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export class PickupWindowDto {
  @ApiProperty({ example: '09:00' }) @Matches(LOCAL_TIME) start: string;
  @ApiProperty({ example: '11:00' }) @Matches(LOCAL_TIME) end: string;
  @ApiProperty({ description: 'Pickups the area takes in this window per day' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  capacity: number;
}

export class DistrictDto {
  @ApiProperty({ example: '110105' }) @Matches(AREA_CODE) code: string;
  @ApiProperty({ example: 'Chaoyang' }) @IsString() @Length(1, 100) name: string;
  @ApiPropertyOptional({ example: '朝阳区' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  nameZh?: string;
}

export class ServiceAreaDto {
  @ApiProperty({ example: '110100' }) @Matches(AREA_CODE) cityCode: string;
  @ApiProperty({ example: 'Beijing' }) @IsString() @Length(1, 100) cityName: string;
  @ApiPropertyOptional({ example: '北京' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cityNameZh?: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) @IsString() @Length(1, 64) timeZone: string;
  @ApiPropertyOptional({ default: 15, description: 'Local hour at which same-day ordering closes' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(23)
  cutoffHour?: number;
  @ApiProperty() @IsBoolean() sameDay: boolean;
  @ApiProperty({ type: [PickupWindowDto] })
  @ValidateNested({ each: true })
  @Type(() => PickupWindowDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(48)
  windows: PickupWindowDto[];
  @ApiProperty({ type: [DistrictDto] })
  @ValidateNested({ each: true })
  @Type(() => DistrictDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  districts: DistrictDto[];
  @ApiPropertyOptional({ default: 7 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  bookingDaysAhead?: number;
  @ApiPropertyOptional({ default: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  minLeadMinutes?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
}

/** PUT body: the whole area; the city code is in the path. */
export class ReplaceServiceAreaDto extends OmitType(ServiceAreaDto, ['cityCode'] as const) {}

export class DropOffStoreDto {
  @ApiProperty({ example: 'store-sh-jingan' }) @Matches(/^[a-z0-9-]{2,60}$/) code: string;
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) nameZh?: string;
  @ApiProperty({ example: '310100' }) @Matches(AREA_CODE) cityCode: string;
  @ApiProperty({ example: '310106' }) @Matches(AREA_CODE) districtCode: string;
  @ApiProperty() @IsString() @Length(1, 500) address: string;
  @ApiPropertyOptional({ example: '10:00-22:00' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  openingHours?: string;
  @ApiPropertyOptional({ description: 'The `store` organisation whose staff work here' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
}

export class StoreFilter {
  @ApiPropertyOptional() @IsOptional() @Matches(AREA_CODE) cityCode?: string;
}
