import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { COVERAGE_KINDS, CoverageKind } from '@pangolin/domain';
import { MoneyDto } from '../http/money.dto';

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
}

export class PublishProductDto {
  @ApiProperty({ type: ProductTermsDto }) @IsObject() @ValidateNested() @Type(() => ProductTermsDto)
  terms: ProductTermsDto;
}
