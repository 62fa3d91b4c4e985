import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../http/money.dto';
import { MultilineText } from '../http/text';

export class IssuePolicyDto {
  @ApiProperty({ example: 'PICC-2026-000123' }) @IsString() @IsNotEmpty() @MaxLength(64)
  policyNumber: string;

  @ApiProperty({ example: '2026-12-01', description: 'First day of cover: from the day the premium was funded to POLICY_START_WINDOW_DAYS (default 30) days later' }) @IsCalendarDate()
  startDate: string;
}

export class CancelPolicyDto {
  @ApiProperty() @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;

  @ApiProperty({ example: '2027-03-01', description: 'First day without cover' }) @IsCalendarDate()
  effectiveDate: string;
}
