import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Highest value of a PostgreSQL `int`, the type of every `version` column. */
export const MAX_VERSION = 2_147_483_647;

/**
 * The version of a stateful object the client last saw (spec §5 optimistic concurrency): the
 * body of every action that takes nothing else, and the base of those that do.
 */
export class VersionDto {
  @ApiPropertyOptional({ description: 'The version you last saw; a stale one answers 409' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;
}
