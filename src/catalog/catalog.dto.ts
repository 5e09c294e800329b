import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Stacked } from '../core/http/field.decorators.js';
import { PageQuery } from '../core/http/pagination.js';
import { VARIANT_KINDS, type VariantKind } from './product-variant.entity.js';
import {
  IDENTIFIER_KINDS,
  type IdentifierKind,
  STORAGE_MEDIA_TYPES,
  type StorageInterface,
  type StorageMediaType,
} from './data/demo-catalog.js';

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MODEL_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const STORAGE_INTERFACES: readonly StorageInterface[] = ['nvme', 'sata', 'ufs', 'mmc', 'usb'];
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class MoneyDto {
  @ApiProperty({ description: 'Integer minor units (fen)' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;
  @ApiProperty({ example: 'CNY' }) @Matches(/^[A-Z]{3}$/) currency: string;
}

export class StorageMediumDto {
  @ApiProperty({ enum: STORAGE_MEDIA_TYPES }) @IsIn(STORAGE_MEDIA_TYPES) type: StorageMediaType;
  @ApiProperty({ enum: STORAGE_INTERFACES })
  @IsIn(STORAGE_INTERFACES)
  interface: StorageInterface;
}

/** Settings a leaf (level 3) carries; refused on levels 1 and 2. */
export class LeafSettingsDto {
  @ApiPropertyOptional({ description: 'Must agree with storageMedia (non-empty ⇔ true)' })
  @IsOptional()
  @IsBoolean()
  requiresErasure?: boolean;
  @ApiPropertyOptional({ enum: IDENTIFIER_KINDS })
  @IsOptional()
  @IsIn(IDENTIFIER_KINDS)
  identifier?: IdentifierKind;
  @ApiPropertyOptional({ description: 'Grading standard family code' })
  @IsOptional()
  @Matches(CODE)
  @MaxLength(60)
  standardCode?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  typicalWeightGrams?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_000_000_000)
  scrapValueMinor?: number;
  @ApiPropertyOptional({ type: [StorageMediumDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => StorageMediumDto)
  storageMedia?: StorageMediumDto[];
}

export class CreateCategoryDto extends LeafSettingsDto {
  @ApiProperty({ example: 'smartphones' }) @Matches(CODE) @MaxLength(60) code: string;
  @ApiProperty() @IsString() @Length(1, 100) name: string;
  @ApiProperty() @IsString() @Length(1, 100) nameZh: string;
  @ApiPropertyOptional({ description: 'Absent for a top-level category' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

/** Code, parent and level are fixed once created (codes are stable references). */
export class UpdateCategoryDto extends LeafSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) nameZh?: string;
}

export class CategoryQuery {
  @ApiPropertyOptional({ enum: ['tree', 'flat'], default: 'tree' })
  @IsOptional()
  @IsIn(['tree', 'flat'])
  view?: 'tree' | 'flat';
  @ApiPropertyOptional({ minimum: 1, maximum: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3)
  level?: number;
  @ApiPropertyOptional() @IsOptional() @IsUUID() parentId?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() requiresErasure?: boolean;
  @ApiPropertyOptional() @IsOptional() @Matches(CODE) @MaxLength(60) standardCode?: string;
  @ApiPropertyOptional({ description: 'Search in code, name and Chinese name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

/** A product model's launch date (YYYY-MM-DD) and launch price, both optional. */
const LaunchDateField = () =>
  Stacked(
    ApiPropertyOptional({ example: '2023-09-22' }),
    IsOptional(),
    Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/),
  );
const LaunchPriceField = () =>
  Stacked(
    ApiPropertyOptional({ type: MoneyDto }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => MoneyDto),
  );

export class CreateProductModelDto {
  @ApiProperty({ example: 'apple-iphone-15-128' }) @Matches(MODEL_CODE) @MaxLength(80) code: string;
  @ApiProperty() @IsString() @Length(1, 100) brand: string;
  @ApiProperty() @IsString() @Length(1, 200) model: string;
  @ApiProperty({ description: 'A leaf category' }) @IsUUID() categoryId: string;
  @LaunchDateField() launchDate?: string;
  @LaunchPriceField() launchPrice?: MoneyDto;
}

export class UpdateProductModelDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) brand?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) model?: string;
  @ApiPropertyOptional({ description: 'A leaf category' })
  @IsOptional()
  @IsUUID()
  categoryId?: string;
  @LaunchDateField() launchDate?: string;
  @LaunchPriceField() launchPrice?: MoneyDto;
}

export class ProductModelQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() categoryId?: string;
  @ApiPropertyOptional({ description: 'Search in brand, model and code' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class PublishStandardDto {
  @ApiProperty({
    description:
      'The standard definition (code, name, description, currency, references, checks, rules, ' +
      'scoring?). The version is assigned: one above the latest of the family.',
  })
  @IsObject()
  definition: Record<string, unknown>;
}

export class StandardQuery {
  @ApiPropertyOptional({ description: 'Family code' })
  @IsOptional()
  @Matches(CODE)
  @MaxLength(60)
  code?: string;
  @ApiPropertyOptional({ description: 'Every version, not only the latest of each family' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  allVersions?: boolean;
}

/** A variant of a product model: its own price point (issue 26 point 2). */
export class CreateProductVariantDto {
  @ApiProperty({
    example: '512GB',
    description: 'As sales files and trade-ins name it; unique within the model',
  })
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,39}$/, {
    message: 'code must be 1–40 letters, digits, dots, dashes, underscores or plus signs',
  })
  code: string;
  @ApiProperty({ enum: VARIANT_KINDS }) @IsIn(VARIANT_KINDS) kind: VariantKind;
  @ApiProperty({ example: '512 GB' }) @IsString() @Length(1, 100) label: string;
}
