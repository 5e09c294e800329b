import {
  BadRequestException,
  Controller,
  Get,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Public, SignedIn } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { UploadPhotoQuery } from './photos.dto.js';
import { PhotosService } from '../photos.service.js';
import { IdParam } from '../../core/http/route.decorators.js';

const IMAGE_CACHE = 'private, max-age=86400, immutable';
const PUBLIC_IMAGE_CACHE = 'public, max-age=3600';

/** A stored photo or thumbnail as the answer: always a JPEG, cached as its audience allows. */
async function jpeg(reply: FastifyReply, image: Promise<Buffer>, cacheControl: string) {
  const data = await image;
  void reply.header('content-type', 'image/jpeg').header('cache-control', cacheControl);
  return data;
}

/** Photos: upload one (multipart), read its record, its image and its thumbnail. */
@ApiTags('photos')
@Controller('photos')
export class PhotosController {
  constructor(private readonly photos: PhotosService) {}

  /**
   * Upload one photo as multipart/form-data (a `file` part). JPEG, PNG or WebP up to
   * PHOTO_MAX_BYTES (10 MiB by default): a larger file is a 413, anything that is not such an
   * image a 415. The stored image is turned upright and re-encoded as JPEG without EXIF or other
   * metadata (no GPS position, no camera serial); a thumbnail is made beside it. Attach it by
   * id to an inspection, a pickup hand-over, a listing or a support case.
   */
  @Post()
  @SignedIn()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          maxLength: 104857600,
          description: 'The photo (image/jpeg, image/png or image/webp)',
        },
      },
    },
  })
  async upload(
    @CurrentActor() actor: Actor,
    @Query() q: UploadPhotoQuery,
    @Req() req: FastifyRequest,
  ) {
    if (!req.isMultipart()) {
      throw new UnsupportedMediaTypeException(
        'Send the photo as multipart/form-data with a part named "file"',
      );
    }
    const part = await req.file();
    if (!part || part.fieldname !== 'file') {
      throw new BadRequestException({
        message: 'file: the photo is missing (a multipart part named "file")',
        fields: [{ field: 'file', errors: ['required'] }],
      });
    }
    if (part.mimetype && !/^image\//i.test(part.mimetype)) {
      throw new UnsupportedMediaTypeException(
        `A photo is an image (image/jpeg, image/png, image/webp), not ${part.mimetype}`,
      );
    }
    // Throws a 413 (FST_REQ_FILE_TOO_LARGE) past the limit set when multipart was registered.
    const bytes = await part.toBuffer();
    return this.photos.upload(actor, q.purpose, bytes);
  }

  @Get(':id')
  @SignedIn()
  read(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.photos.read(actor, id);
  }

  /** The photo itself (JPEG, upright, without metadata). */
  @Get(':id/image')
  @SignedIn()
  @ApiProduces('image/jpeg')
  async image(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return jpeg(reply, this.photos.image(actor, id, 'full'), IMAGE_CACHE);
  }

  /** Its thumbnail (JPEG, at most 320 pixels on the longest side). */
  @Get(':id/thumbnail')
  @SignedIn()
  @ApiProduces('image/jpeg')
  async thumbnail(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return jpeg(reply, this.photos.image(actor, id, 'thumbnail'), IMAGE_CACHE);
  }
}

/** A listing's photos, for anyone browsing the market. Any other photo is a 404 here. */
@ApiTags('market')
@Controller('market/photos')
export class PublicPhotosController {
  constructor(private readonly photos: PhotosService) {}

  /** A public photo's thumbnail (a listed item's picture on the market). */
  @Get(':id/thumbnail')
  @Public()
  @ApiProduces('image/jpeg')
  async thumbnail(@IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return jpeg(reply, this.photos.publicImage(id, 'thumbnail'), PUBLIC_IMAGE_CACHE);
  }

  /** A public photo in full. */
  @Get(':id/image')
  @Public()
  @ApiProduces('image/jpeg')
  async image(@IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return jpeg(reply, this.photos.publicImage(id, 'full'), PUBLIC_IMAGE_CACHE);
  }
}
