import { OneOfField, UuidListField } from '../../core/http/field.decorators.js';
import { PHOTO_PURPOSES, type PhotoPurpose } from '../domain/photo-purposes.js';

export class UploadPhotoQuery {
  @OneOfField(PHOTO_PURPOSES, {
    description:
      'What the photo is for: an inspection (graders), a pickup hand-over (couriers), a listing (merchants) or a support case',
  })
  purpose: PhotoPurpose;
}

/** Photos to attach to a thing: ids of photos uploaded for it (POST /photos). */
export class AttachPhotosDto {
  @UuidListField({
    minItems: 1,
    maxItems: 20,
    description: 'Ids of uploaded photos, in the order to show them',
  })
  photoIds: string[];
}
