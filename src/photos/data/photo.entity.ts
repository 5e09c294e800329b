import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../core/data/columns.js';
import type { PhotoPurpose } from '../domain/photo-purposes.js';

/** An uploaded photo: whose it is, what it is for, and what it is. The bytes are in the store. */
@Entity('photos')
export class Photo {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ name: 'uploaded_by', type: 'uuid' }) uploadedBy: string;
  @Column({ type: 'text' }) purpose: PhotoPurpose;
  /** Of the stored (cleaned) image, the bytes this platform serves. */
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ name: 'content_type', type: 'text' }) contentType: string;
  @Column({ name: 'size_bytes', type: 'integer' }) sizeBytes: number;
  @Column({ type: 'integer' }) width: number;
  @Column({ type: 'integer' }) height: number;
  /** What the upload was (jpeg, png, webp), before it was re-encoded. */
  @Column({ name: 'source_format', type: 'text' }) sourceFormat: string;
  @Column({ name: 'storage_key', type: 'text' }) storageKey: string;
  @Column({ name: 'thumbnail_key', type: 'text' }) thumbnailKey: string;
  @Column({ name: 'thumbnail_width', type: 'integer' }) thumbnailWidth: number;
  @Column({ name: 'thumbnail_height', type: 'integer' }) thumbnailHeight: number;
  /** Shown to anyone (a listing's photos on the market). */
  @Column({ type: 'boolean', default: false }) public: boolean;
  @CreatedAt() createdAt: Date;
}
