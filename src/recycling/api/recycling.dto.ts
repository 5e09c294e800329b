import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { PageQuery } from '../../core/http/pagination.js';
import { RECYCLING_LOT_STATES, type RecyclingLotState } from '../domain/recycling-lot.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

const MAX_GRAMS = 100_000_000;

export class RecyclingLotFilter extends PageQuery {
  @ApiPropertyOptional({ enum: RECYCLING_LOT_STATES })
  @IsOptional()
  @IsIn(RECYCLING_LOT_STATES)
  state?: RecyclingLotState;
  @ApiPropertyOptional() @IsOptional() @IsUUID() warehouseId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() recyclerId?: string;
}

export class SealLotDto extends VersionDto {
  @ApiProperty({ description: 'Weight of the sealed lot on the warehouse scale, grams' })
  @IsInt()
  @Min(1)
  @Max(MAX_GRAMS)
  weightGrams: number;
  @ApiPropertyOptional({ description: 'Number of the seal on the cage or pallet' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{4,40}$/, {
    message: 'sealNumber must be 4–40 letters, digits or hyphens',
  })
  sealNumber?: string;
}

export class HandOverLotDto extends VersionDto {
  @ApiProperty({ description: "Name of the recycler's person who takes the lot" })
  @IsString()
  @Length(2, 120)
  signedByName: string;
  @ApiProperty({ description: 'Their signature as captured (image data or acknowledgement code)' })
  @IsString()
  @Length(8, 200_000)
  signature: string;
}

export class SettleLotDto extends VersionDto {
  @ApiProperty({ description: "The recycler's weighed result, grams" })
  @IsInt()
  @Min(1)
  @Max(MAX_GRAMS)
  weightGrams: number;
  @ApiProperty({ description: 'Value paid for the lot, minor units' })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  valueMinor: number;
  @ApiProperty({ enum: ['recycling', 'destruction'] })
  @IsIn(['recycling', 'destruction'])
  certificateKind: 'recycling' | 'destruction';
  @ApiProperty({ description: "The recycler's certificate reference" })
  @IsString()
  @Length(3, 100)
  certificateRef: string;
}
