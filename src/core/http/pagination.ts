import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BadRequestException } from '@nestjs/common';

/** `limit` and an opaque keyset `cursor` (spec §5); lists add their own filters. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset cursor over (created_at, id): stable and fast on deep pages. */
export interface KeysetCursor {
  at: string;
  id: string;
}

export function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetCursor | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)))
      throw new Error();
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error();
    return { at, id };
  } catch {
    throw new BadRequestException(
      'cursor is not valid: pass back nextCursor from the previous page',
    );
  }
}

/**
 * Builds the page from rows fetched with `limit + 1`, ordered newest first by (created_at, id),
 * or by another timestamp given as `keyOf` (the query must order and filter by the same one).
 */
export function toPage<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  view: (r: R) => T,
  keyOf: (r: R) => Date = (r) => (r as R & { createdAt: Date }).createdAt,
): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor: more && last ? encodeCursor({ at: keyOf(last).toISOString(), id: last.id }) : null,
  };
}
