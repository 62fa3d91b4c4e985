import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { MoneyDto } from '../http/money.dto';

export class GiftTargetDto {
  @ApiProperty({ enum: ['household', 'programme'] }) @IsIn(['household', 'programme'])
  kind: 'household' | 'programme';

  @ApiPropertyOptional({ description: 'For kind household' }) @ValidateIf((t: GiftTargetDto) => t.kind === 'household') @IsUUID()
  householdId?: string;

  @ApiPropertyOptional({ description: 'For kind household: the product whose premium the gift pays' }) @ValidateIf((t: GiftTargetDto) => t.kind === 'household') @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ description: 'For kind programme' }) @ValidateIf((t: GiftTargetDto) => t.kind === 'programme') @IsUUID()
  programmeId?: string;
}

export class PledgeGiftDto {
  @ApiProperty({ type: MoneyDto }) @IsObject() @ValidateNested() @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiProperty({ type: GiftTargetDto }) @IsObject() @ValidateNested() @Type(() => GiftTargetDto)
  target: GiftTargetDto;

  @ApiProperty({ enum: ['hold', 'refund'], description: 'What happens to money no premium can use: held in escrow for renewal, or refunded' })
  @IsIn(['hold', 'refund'])
  remainder: 'hold' | 'refund';
}

export class ConfirmPaymentDto {
  @ApiProperty({ example: 'ALIPAY-2026112400001', description: 'The payment provider\'s reference; the same reference twice is one payment' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  paymentReference: string;

  @ApiProperty({ type: MoneyDto }) @IsObject() @ValidateNested() @Type(() => MoneyDto)
  amount: MoneyDto;
}
