import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class SearchQuery {
  @ApiProperty({
    description:
      'Order number (the start of its id), phone or its last four digits, name, trace code or its start, serial number, IMEI or its start, VIN, e-mail or id',
    minLength: 2,
    maxLength: 200,
  })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  q: string;
}

export class TimelineQuery {
  @ApiProperty({ description: 'An order (or any other entity) whose items to show' })
  @IsUUID()
  entityId: string;
}
