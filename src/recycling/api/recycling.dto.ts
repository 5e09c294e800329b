import {
  IntField,
  OneOfField,
  PatternField,
  TextField,
  UuidField,
} from '../../core/http/field.decorators.js';
import { PageQuery } from '../../core/http/pagination.js';
import { RECYCLING_LOT_STATES, type RecyclingLotState } from '../domain/recycling-lot.machine.js';
import { VersionDto } from '../../core/http/version.dto.js';

const MAX_GRAMS = 100_000_000;
/** A lot's weight on a scale, grams. */
const WeightField = (description: string) => IntField({ min: 1, max: MAX_GRAMS, description });

export class RecyclingLotFilter extends PageQuery {
  @OneOfField(RECYCLING_LOT_STATES, { optional: true }) state?: RecyclingLotState;
  @UuidField({ optional: true }) warehouseId?: string;
  @UuidField({ optional: true }) recyclerId?: string;
}

export class SealLotDto extends VersionDto {
  @WeightField('Weight of the sealed lot on the warehouse scale, grams') weightGrams: number;
  @PatternField(/^[A-Za-z0-9-]{4,40}$/, {
    message: 'sealNumber must be 4–40 letters, digits or hyphens',
    optional: true,
    description: 'Number of the seal on the cage or pallet',
  })
  sealNumber?: string;
}

export class HandOverLotDto extends VersionDto {
  @TextField({ length: [2, 120], description: "Name of the recycler's person who takes the lot" })
  signedByName: string;
  @TextField({
    length: [8, 200_000],
    description: 'Their signature as captured (image data or acknowledgement code)',
  })
  signature: string;
}

export class SettleLotDto extends VersionDto {
  @WeightField("The recycler's weighed result, grams") weightGrams: number;
  @IntField({ min: 0, max: 1_000_000_000, description: 'Value paid for the lot, minor units' })
  valueMinor: number;
  @OneOfField(['recycling', 'destruction']) certificateKind: 'recycling' | 'destruction';
  @TextField({ length: [3, 100], description: "The recycler's certificate reference" })
  certificateRef: string;
}
