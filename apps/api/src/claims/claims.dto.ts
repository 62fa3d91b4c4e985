import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { CLAIM_KINDS, ClaimKind } from '@pangolin/domain';
import { IsCalendarDate, MoneyDto } from '../http/money.dto';
import { MultilineText } from '../http/text';

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
