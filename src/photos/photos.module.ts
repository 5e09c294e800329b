import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { before, RetentionService } from '../core/retention/retention.service.js';
import { Photo } from './data/photo.entity.js';
import { PhotoRepository } from './data/photo.repository.js';
import { PhotoSubjects } from './photo-subjects.js';
import { PhotosController, PublicPhotosController } from './api/photos.controller.js';
import { PhotosService } from './photos.service.js';
import { LocalPhotoStore } from './data/local-photo-store.js';
import { PHOTO_STORE, type PhotoStore } from './data/photo-store.js';
import { S3PhotoStore } from './data/s3-photo-store.js';

/** The configured store: an S3-compatible bucket when PHOTO_STORE=s3, else a local folder. */
export function createPhotoStore(config: AppConfig['photos']): PhotoStore {
  return config.store === 's3' && config.s3
    ? new S3PhotoStore(config.s3)
    : new LocalPhotoStore(config.dir);
}

/**
 * Photos (issue 22): a reference module the stages use to attach photos to their things. It
 * never reads their tables; each stage tells it who may see its things through PhotoSubjects.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Photo])],
  controllers: [PhotosController, PublicPhotosController],
  providers: [
    PhotoRepository,
    PhotosService,
    PhotoSubjects,
    {
      provide: PHOTO_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createPhotoStore(config.photos),
    },
  ],
  exports: [PhotosService, PhotoSubjects],
})
export class PhotosModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(PHOTO_STORE) private readonly store: PhotoStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: RetentionService,
    private readonly photos: PhotosService,
  ) {}

  onModuleInit(): void {
    // The daily prune-retention job: uploads never attached to anything, with their bytes.
    this.retention.register({
      table: 'photos',
      prune: ({ now }) =>
        this.photos.pruneUnattached(before(now, this.config.photos.unattachedDays)),
    });
  }

  onModuleDestroy(): void {
    if (this.store instanceof S3PhotoStore) this.store.destroy();
  }
}
