import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ISO_DATE } from '../http/money.dto';

export class IssuePolicyDto {
  @ApiProperty({ example: 'PICC-2026-000123' }) @IsString() @IsNotEmpty() @MaxLength(64)
  policyNumber: string;

  @ApiProperty({ example: '2026-12-01', description: 'First day of cover: from the day the premium was funded to POLICY_START_WINDOW_DAYS (default 30) days later' }) @Matches(ISO_DATE, { message: 'startDate must be a date in the form YYYY-MM-DD' })
  startDate: string;
}

export class CancelPolicyDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;

  @ApiProperty({ example: '2027-03-01', description: 'First day without cover' }) @Matches(ISO_DATE, { message: 'effectiveDate must be a date in the form YYYY-MM-DD' })
  effectiveDate: string;
}
