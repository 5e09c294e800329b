import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PHOTO_PURPOSES, type PhotoPurpose } from './photo-purposes.js';

export class UploadPhotoQuery {
  @ApiProperty({
    enum: PHOTO_PURPOSES,
    description:
      'What the photo is for: an inspection (graders), a pickup hand-over (couriers), a listing (merchants) or a support case',
  })
  @IsIn(PHOTO_PURPOSES)
  purpose: PhotoPurpose;
}
