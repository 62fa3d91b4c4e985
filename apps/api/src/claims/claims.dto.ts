import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { CLAIM_KINDS, ClaimKind, MAX_EVIDENCE_FILES } from '@pangolin/domain';
import { IsCalendarDate, MoneyDto } from '../http/money.dto';
import { MultilineText } from '../http/text';

export class EvidenceFileDto {
  @ApiProperty({ example: 'hospital-invoice-8841.pdf' }) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'The SHA-256 POST /evidence answered for the file', example: 'a3f5…' }) @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be a SHA-256 in 64 lower-case hexadecimal digits' })
  sha256: string;
}

export class FileClaimDto {
  @ApiProperty({ example: '2027-02-10' }) @IsCalendarDate()
  incidentDate: string;

  @ApiProperty({ enum: CLAIM_KINDS }) @IsIn(CLAIM_KINDS)
  kind: ClaimKind;

  @ApiProperty({ type: MoneyDto }) @IsObject() @ValidateNested() @Type(() => MoneyDto)
  amountClaimed: MoneyDto;

  @ApiProperty({ type: [String], example: ['hospital-invoice-8841.pdf'] })
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(300, { each: true })
  evidence: string[];

  @ApiPropertyOptional({ type: [EvidenceFileDto], description: 'Files uploaded with POST /evidence first; the claim records each one\'s SHA-256' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_EVIDENCE_FILES) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => EvidenceFileDto)
  evidenceFiles?: EvidenceFileDto[];
}

export class ApproveClaimDto {
  @ApiPropertyOptional({ type: MoneyDto, description: 'Defaults to the amount claimed (approval in full)' })
  // Absent means in full; null is not a way to say so (it is refused, not read as "in full").
  @ValidateIf((o: ApproveClaimDto) => o.approvedAmount !== undefined) @IsObject() @ValidateNested() @Type(() => MoneyDto)
  approvedAmount?: MoneyDto;

  @ApiPropertyOptional() @IsOptional() @MultilineText() @IsString() @MaxLength(500)
  note?: string;
}

export class RejectClaimDto {
  @ApiProperty() @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}

export class PayClaimDto {
  @ApiProperty({ example: 'BANK-TRF-77120' }) @IsString() @IsNotEmpty() @MaxLength(100)
  payoutReference: string;
}
