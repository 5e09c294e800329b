import { Controller, Get, Header, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Public } from '../core/http/access.decorators.js';
import { NotFound } from '../core/errors.js';
import { PageQuery } from '../core/http/pagination.js';
import { Checkpoints } from './checkpoints.service.js';
import { PlatformSigner } from './platform-signer.js';
import { StatusLists } from './status-lists.js';
import { TraceVerification } from './trace-verification.js';
import { reloopContext } from './vc.js';

export class TraceVerifyQuery {
  @ApiPropertyOptional({
    description:
      "Check the item's head as of this checkpoint: its leaf there or, unchanged since, in the newest earlier one (default: the latest that holds the item)",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  checkpoint?: number;
}

/**
 * What anyone needs to check Reloop's credentials without trusting its database: the JSON-LD
 * context, the platform's keys, the revocation lists, the history checkpoints, and the public
 * check of an item's history against them.
 */
@ApiTags('credentials')
@Controller()
export class CredentialsController {
  constructor(
    private readonly signer: PlatformSigner,
    private readonly statusLists: StatusLists,
    private readonly checkpoints: Checkpoints,
    private readonly verification: TraceVerification,
  ) {}

  /** Reloop's JSON-LD context (every term of its credentials), as shipped in the repository. */
  @Get('contexts/reloop/v1')
  @Public()
  @Header('Cache-Control', 'public, max-age=86400')
  context(): Record<string, unknown> {
    return reloopContext();
  }

  /** Every key the platform ever signed with: did:key, multikey, from and until. */
  @Get('signing-keys')
  @Public()
  async signingKeys() {
    return { items: await this.signer.listKeys(), nextCursor: null };
  }

  /** A Bitstring Status List credential: bit N set = the certificate in slot N is revoked. */
  @Get('credentials/status/:listId')
  @Public()
  async statusList(@Param('listId') listId: string): Promise<Record<string, unknown>> {
    if (!/^revocation-[1-9][0-9]{0,5}$/.test(listId)) throw new NotFound('Status list', listId);
    return this.statusLists.credential(listId);
  }

  /** Signed checkpoints, newest first: each holds the item history heads changed since the last. */
  @Get('trace/checkpoints')
  @Public()
  listCheckpoints(@Query() q: PageQuery) {
    return this.checkpoints.list(q);
  }

  @Get('trace/checkpoints/:number')
  @Public()
  checkpoint(@Param('number', ParseIntPipe) number: number) {
    if (number < 1 || number > 2_000_000_000) throw new NotFound('Checkpoint', String(number));
    return this.checkpoints.get(number);
  }

  /** Public proof that an item's history is intact and anchored in a signed checkpoint. */
  @Get('trace/:traceCode/verify')
  @Public()
  verifyTrace(@Param('traceCode') traceCode: string, @Query() q: TraceVerifyQuery) {
    return this.verification.verify(traceCode, q.checkpoint);
  }
}
