import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, Matches, Max, ValidateBy, ValidationOptions } from 'class-validator';
import { assertIsoDate } from '@pangolin/domain';

/**
 * Largest amount one request may name: 10^10 minor units (100 million yuan). Far below 2^53, so the
 * sums of such amounts that the views answer stay exact integers for any realistic platform (see
 * README, "Money").
 */
export const MAX_AMOUNT_MINOR_UNITS = 10_000_000_000;

export class MoneyDto {
  @ApiProperty({ description: `Integer amount in the currency's minor unit (fen for CNY: 100 fen = 1 yuan), at most ${MAX_AMOUNT_MINOR_UNITS}`, example: 3000 })
  @IsInt({ message: 'amount must be an integer number of minor units (e.g. fen), not a decimal' })
  @IsPositive()
  @Max(MAX_AMOUNT_MINOR_UNITS)
  amount: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code such as CNY' })
  currency: string;
}

export const REGION_CODE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;

/** A day of the calendar written YYYY-MM-DD: 2026-02-30 and 2026-13-01 are refused, not rolled over. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => {
          if (typeof value !== 'string') return false;
          try {
            assertIsoDate(value, '');
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) => `${args?.property} must be a calendar date in the form YYYY-MM-DD`,
      },
    },
    options,
  );
}
