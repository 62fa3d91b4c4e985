import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_DECLARED_REGIONS, PERIL_KINDS, PerilKind, SEVERITY_LEVELS, SeverityLevel } from '@pangolin/domain';
import { IsCalendarDate, REGION_CODE } from '../http/money.dto';
import { MultilineText } from '../http/text';

export class DeclareDisasterDto {
  @ApiProperty({ enum: PERIL_KINDS }) @IsIn(PERIL_KINDS)
  peril: PerilKind;

  @ApiProperty({ type: [String], example: ['440305001'], maxItems: MAX_DECLARED_REGIONS, description: 'Towns, villages or counties within your region' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_DECLARED_REGIONS) @IsString({ each: true }) @MaxLength(12, { each: true })
  @Matches(REGION_CODE, { each: true, message: 'each of regionCodes must be an administrative division code of 2, 4, 6, 9 or 12 digits' })
  regionCodes: string[];

  @ApiProperty({ example: '2026-07-10', description: 'First day of the disaster' }) @IsCalendarDate()
  incidentFrom: string;

  @ApiProperty({ example: '2026-07-12', description: 'Last day of the disaster, not after today' }) @IsCalendarDate()
  incidentTo: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: SEVERITY_LEVELS.length, example: 3, description: 'Emergency response level: 1 (most severe) to 4' })
  @IsInt() @Min(1) @Max(SEVERITY_LEVELS.length)
  severity: SeverityLevel;

  @ApiProperty({ example: '深应急〔2026〕12号', description: 'The declaring authority\'s reference' }) @IsString() @IsNotEmpty() @MaxLength(100)
  authorityReference: string;
}

export class ConfirmDeclarationDto {
  @ApiPropertyOptional({ example: 'PAYFILE-2026-0712', description: 'The insurer\'s payment file; each batch\'s payout reference is this with the batch number' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  paymentFileReference?: string;
}

export class DisputeDeclarationDto {
  @ApiProperty({ example: 'Rain gauges of the town recorded 40 mm, below the trigger' }) @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}
