import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class SearchQuery {
  @ApiProperty({
    description: 'Order number, phone, trace code, serial number, IMEI, VIN, e-mail or id',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  q: string;
}

export class TimelineQuery {
  @ApiProperty({ description: 'An order (or any other entity) whose items to show' })
  @IsUUID()
  entityId: string;
}
