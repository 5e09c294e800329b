import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';
import {
  BooleanField,
  type FieldOptions,
  IntField,
  ObjectField,
  OneOfField,
  PatternField,
  Stacked,
  TextField,
  UuidField,
} from '../core/http/field.decorators.js';
import { PageQuery } from '../core/http/pagination.js';
import { VARIANT_KINDS, type VariantKind } from './data/product-variant.entity.js';
import {
  IDENTIFIER_KINDS,
  type IdentifierKind,
  STORAGE_MEDIA_TYPES,
  type StorageInterface,
  type StorageMediaType,
} from './data/demo-catalog.js';

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MODEL_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A category or standard code: kebab-case, at most 60 characters. */
const CodeField = (options: FieldOptions = {}) => PatternField(CODE, { maxLength: 60, ...options });
const STORAGE_INTERFACES: readonly StorageInterface[] = ['nvme', 'sata', 'ufs', 'mmc', 'usb'];

export class MoneyDto {
  @IntField({ min: 0, max: Number.MAX_SAFE_INTEGER, description: 'Integer minor units (fen)' })
  amountMinor: number;
  @PatternField(/^[A-Z]{3}$/, { example: 'CNY' }) currency: string;
}

export class StorageMediumDto {
  @OneOfField(STORAGE_MEDIA_TYPES) type: StorageMediaType;
  @OneOfField(STORAGE_INTERFACES) interface: StorageInterface;
}

/** Settings a leaf (level 3) carries; refused on levels 1 and 2. */
export class LeafSettingsDto {
  @BooleanField({
    optional: true,
    description: 'Must agree with storageMedia (non-empty ⇔ true)',
  })
  requiresErasure?: boolean;
  @OneOfField(IDENTIFIER_KINDS, { optional: true }) identifier?: IdentifierKind;
  @CodeField({ optional: true, description: 'Grading standard family code' })
  standardCode?: string;
  @IntField({ min: 1, max: 100_000_000, optional: true }) typicalWeightGrams?: number;
  @IntField({ min: 0, max: 2_000_000_000, optional: true }) scrapValueMinor?: number;
  @ApiPropertyOptional({ type: [StorageMediumDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => StorageMediumDto)
  storageMedia?: StorageMediumDto[];
}

export class CreateCategoryDto extends LeafSettingsDto {
  @CodeField({ example: 'smartphones' }) code: string;
  @TextField({ length: [1, 100] }) name: string;
  @TextField({ length: [1, 100] }) nameZh: string;
  @UuidField({ optional: true, description: 'Absent for a top-level category' }) parentId?: string;
}

/** Code, parent and level are fixed once created (codes are stable references). */
export class UpdateCategoryDto extends LeafSettingsDto {
  @TextField({ length: [1, 100], optional: true }) name?: string;
  @TextField({ length: [1, 100], optional: true }) nameZh?: string;
}

export class CategoryQuery {
  @OneOfField(['tree', 'flat'], { optional: true, default: 'tree' }) view?: 'tree' | 'flat';
  @IntField({ min: 1, max: 3, optional: true, coerce: true }) level?: number;
  @UuidField({ optional: true }) parentId?: string;
  @BooleanField({ optional: true, coerce: true }) requiresErasure?: boolean;
  @CodeField({ optional: true }) standardCode?: string;
  @TextField({
    maxLength: 100,
    optional: true,
    description: 'Search in code, name and Chinese name',
  })
  q?: string;
}

/** A product model's launch date (YYYY-MM-DD) and launch price, both optional. */
const LaunchDateField = () =>
  PatternField(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    optional: true,
    example: '2023-09-22',
  });
const LaunchPriceField = () =>
  Stacked(
    ApiPropertyOptional({ type: MoneyDto }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => MoneyDto),
  );

export class CreateProductModelDto {
  @PatternField(MODEL_CODE, { maxLength: 80, example: 'apple-iphone-15-128' }) code: string;
  @TextField({ length: [1, 100] }) brand: string;
  @TextField({ length: [1, 200] }) model: string;
  @UuidField({ description: 'A leaf category' }) categoryId: string;
  @LaunchDateField() launchDate?: string;
  @LaunchPriceField() launchPrice?: MoneyDto;
}

export class UpdateProductModelDto {
  @TextField({ length: [1, 100], optional: true }) brand?: string;
  @TextField({ length: [1, 200], optional: true }) model?: string;
  @UuidField({ optional: true, description: 'A leaf category' }) categoryId?: string;
  @LaunchDateField() launchDate?: string;
  @LaunchPriceField() launchPrice?: MoneyDto;
}

export class ProductModelQuery extends PageQuery {
  @UuidField({ optional: true }) categoryId?: string;
  @TextField({ maxLength: 100, optional: true, description: 'Search in brand, model and code' })
  q?: string;
}

export class PublishStandardDto {
  @ObjectField({
    description:
      'The standard definition (code, name, description, currency, references, checks, rules, ' +
      'scoring?). The version is assigned: one above the latest of the family.',
  })
  definition: Record<string, unknown>;
}

export class StandardQuery {
  @CodeField({ optional: true, description: 'Family code' }) code?: string;
  @BooleanField({
    optional: true,
    coerce: true,
    description: 'Every version, not only the latest of each family',
  })
  allVersions?: boolean;
}

/** A variant of a product model: its own price point (issue 26 point 2). */
export class CreateProductVariantDto {
  @PatternField(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,39}$/, {
    message: 'code must be 1–40 letters, digits, dots, dashes, underscores or plus signs',
    example: '512GB',
    description: 'As sales files and trade-ins name it; unique within the model',
  })
  code: string;
  @OneOfField(VARIANT_KINDS) kind: VariantKind;
  @TextField({ length: [1, 100], example: '512 GB' }) label: string;
}
