import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { COVERAGE_KINDS, CoverageKind, DEFAULT_SETTLEMENT_TARGET_DAYS, MAX_SETTLEMENT_TARGET_DAYS, PERIL_KINDS, PerilKind, ProductTerms } from '@pangolin/domain';
import { MoneyDto } from '../http/money.dto';

export class ParametricBenefitDto {
  @ApiProperty({ enum: PERIL_KINDS, isArray: true, maxItems: PERIL_KINDS.length, example: ['flood'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(PERIL_KINDS.length) @IsIn(PERIL_KINDS, { each: true })
  perils: PerilKind[];

  @ApiProperty({ enum: ['fixed', 'severity-share'], description: 'fixed: `amount` per covered household; severity-share: a share of the sum insured by the declared severity' })
  @IsIn(['fixed', 'severity-share'])
  rule: 'fixed' | 'severity-share';

  @ApiPropertyOptional({ type: MoneyDto, description: 'Per covered household (rule fixed)' })
  @ValidateIf((o: ParametricBenefitDto) => o.rule === 'fixed') @IsObject() @ValidateNested() @Type(() => MoneyDto)
  amount?: MoneyDto;

  @ApiPropertyOptional({ type: 'array', items: { type: 'integer', minimum: 0, maximum: 10_000 }, minItems: 4, maxItems: 4, example: [10000, 5000, 2000, 1000], description: 'Basis points of the sum insured for severity 1 (most severe) to 4 (rule severity-share)' })
  @ValidateIf((o: ParametricBenefitDto) => o.rule === 'severity-share') @IsArray() @ArrayMinSize(4) @ArrayMaxSize(4) @IsInt({ each: true }) @Min(0, { each: true }) @Max(10_000, { each: true })
  shareBasisPointsBySeverity?: [number, number, number, number];
}

export class ProductTermsDto {
  @ApiProperty({ example: 'Rural accident & illness cover' }) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ enum: COVERAGE_KINDS }) @IsIn(COVERAGE_KINDS)
  coverageKind: CoverageKind;

  @ApiProperty({ type: MoneyDto, description: 'Premium per household per term' }) @IsObject() @ValidateNested() @Type(() => MoneyDto)
  annualPremium: MoneyDto;

  @ApiProperty({ type: MoneyDto, description: 'Most that all claims of one policy can pay' }) @IsObject() @ValidateNested() @Type(() => MoneyDto)
  sumInsured: MoneyDto;

  @ApiProperty({ example: 30 }) @IsInt() @Min(0) @Max(365)
  waitingPeriodDays: number;

  @ApiProperty({ example: 365 }) @IsInt() @Min(1) @Max(3660)
  termDays: number;

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: MAX_SETTLEMENT_TARGET_DAYS, description: `Days to settle a claim (pay or reject it) from its filing, or from the declaration for a parametric claim (default ${DEFAULT_SETTLEMENT_TARGET_DAYS})` })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SETTLEMENT_TARGET_DAYS)
  settlementTargetDays?: number;

  @ApiPropertyOptional({ type: ParametricBenefitDto, description: 'A parametric benefit, paid to every covered household of a confirmed disaster declaration' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ParametricBenefitDto)
  parametric?: ParametricBenefitDto;
}

export class PublishProductDto {
  @ApiProperty({ type: ProductTermsDto }) @IsObject() @ValidateNested() @Type(() => ProductTermsDto)
  terms: ProductTermsDto;
}

/** The domain's terms: a parametric benefit keeps only the fields of its rule (the decider checks them). */
export function toProductTerms({ parametric, ...terms }: ProductTermsDto): ProductTerms {
  if (!parametric) return terms;
  const { perils, rule } = parametric;
  return {
    ...terms,
    parametric: rule === 'fixed' ? { perils, rule, amount: parametric.amount as MoneyDto } : { perils, rule, shareBasisPointsBySeverity: parametric.shareBasisPointsBySeverity as [number, number, number, number] },
  };
}
