import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsUUID } from 'class-validator';
import { PHOTO_PURPOSES, type PhotoPurpose } from '../domain/photo-purposes.js';

export class UploadPhotoQuery {
  @ApiProperty({
    enum: PHOTO_PURPOSES,
    description:
      'What the photo is for: an inspection (graders), a pickup hand-over (couriers), a listing (merchants) or a support case',
  })
  @IsIn(PHOTO_PURPOSES)
  purpose: PhotoPurpose;
}

/** Photos to attach to a thing: ids of photos uploaded for it (POST /photos). */
export class AttachPhotosDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Ids of uploaded photos, in the order to show them',
    minItems: 1,
    maxItems: 20,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  photoIds: string[];
}
