import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, Matches, Max } from 'class-validator';

export class MoneyDto {
  @ApiProperty({ description: 'Integer amount in the currency\'s minor unit (fen for CNY: 100 fen = 1 yuan)', example: 3000 })
  @IsInt({ message: 'amount must be an integer number of minor units (e.g. fen), not a decimal' })
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code such as CNY' })
  currency: string;
}

export const REGION_CODE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
