import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (point 3): uploaded photos. The image bytes live in the photo store (a local folder or
 * an S3-compatible bucket); a row here says whose a photo is, what it is for, and what it is
 * (sha256, type, size, dimensions). A photo is attached to the things it shows (an inspection, a
 * pickup's hand-over, a listing, a support case); whoever may see one of those may see it.
 */
export class Photos1766300000000 implements MigrationInterface {
  name = 'Photos1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE photos (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid REFERENCES organisations (id),
        uploaded_by uuid NOT NULL REFERENCES users (id),
        purpose text NOT NULL CHECK (purpose IN ('inspection', 'pickup', 'listing', 'case')),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        width integer NOT NULL CHECK (width > 0),
        height integer NOT NULL CHECK (height > 0),
        source_format text NOT NULL,
        storage_key text NOT NULL UNIQUE,
        thumbnail_key text NOT NULL UNIQUE,
        thumbnail_width integer NOT NULL,
        thumbnail_height integer NOT NULL,
        public boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX photos_organisation ON photos (organisation_id, created_at)');
    await q.query('CREATE INDEX photos_uploaded_by ON photos (uploaded_by, created_at)');
    await q.query(`
      CREATE TABLE photo_attachments (
        photo_id uuid NOT NULL REFERENCES photos (id),
        subject_kind text NOT NULL CHECK (subject_kind IN ('inspection', 'pickup', 'listing', 'case')),
        subject_id uuid NOT NULL,
        position integer NOT NULL DEFAULT 0,
        attached_by uuid REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (photo_id, subject_kind, subject_id)
      )`);
    await q.query(
      'CREATE INDEX photo_attachments_subject ON photo_attachments (subject_kind, subject_id, position)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE photo_attachments');
    await q.query('DROP TABLE photos');
  }
}
