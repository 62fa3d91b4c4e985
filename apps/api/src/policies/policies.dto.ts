import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../http/money.dto';
import { MultilineText } from '../http/text';

export class IssuePolicyDto {
  @ApiProperty({ example: 'PICC-2026-000123' }) @IsString() @IsNotEmpty() @MaxLength(64)
  policyNumber: string;

  @ApiProperty({ example: '2026-12-01' }) @IsCalendarDate()
  startDate: string;
}

export class CancelPolicyDto {
  @ApiProperty() @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;

  @ApiProperty({ example: '2027-03-01', description: 'First day without cover' }) @IsCalendarDate()
  effectiveDate: string;
}

export class ExpirePolicyDto {
  @ApiPropertyOptional({ description: 'The date to judge expiry on (defaults to today, UTC)' })
  @IsOptional() @IsCalendarDate()
  today?: string;
}
