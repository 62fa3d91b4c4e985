import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ISO_DATE } from '../http/money.dto';

export class IssuePolicyDto {
  @ApiProperty({ example: 'PICC-2026-000123' }) @IsString() @IsNotEmpty() @MaxLength(64)
  policyNumber: string;

  @ApiProperty({ example: '2026-12-01' }) @Matches(ISO_DATE, { message: 'startDate must be a date in the form YYYY-MM-DD' })
  startDate: string;
}

export class CancelPolicyDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;

  @ApiProperty({ example: '2027-03-01', description: 'First day without cover' }) @Matches(ISO_DATE, { message: 'effectiveDate must be a date in the form YYYY-MM-DD' })
  effectiveDate: string;
}

export class ExpirePolicyDto {
  @ApiPropertyOptional({ description: 'The date to judge expiry on (defaults to today, UTC)' })
  @IsOptional() @Matches(ISO_DATE, { message: 'today must be a date in the form YYYY-MM-DD' })
  today?: string;
}
