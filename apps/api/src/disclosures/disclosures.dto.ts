import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { MAX_CORRECTION_NOTE_LENGTH } from '@pangolin/domain';
import { MultilineText } from '../http/text';

const QUARTER = /^\d{4}-Q[1-4]$/;
/** The form of a day; the domain checks it is a real calendar day. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class PublishDisclosureDto {
  @ApiPropertyOptional({ description: 'The programme reported on; absent for the whole platform' }) @IsOptional() @IsUUID()
  programmeId?: string;

  @ApiPropertyOptional({ example: '2026-Q4', pattern: QUARTER.source, description: 'A quarter in China Standard Time; or give from and to' })
  @IsOptional() @IsString() @Matches(QUARTER, { message: 'quarter must be a quarter in the form YYYY-Q1 to YYYY-Q4' })
  quarter?: string;

  @ApiPropertyOptional({ example: '2026-10-01', format: 'date', description: 'First day (China Standard Time), with to' })
  @IsOptional() @IsString() @Matches(DAY, { message: 'from must be a calendar date in the form YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', format: 'date', description: 'Last day (China Standard Time), included' })
  @IsOptional() @IsString() @Matches(DAY, { message: 'to must be a calendar date in the form YYYY-MM-DD' })
  to?: string;

  @ApiProperty({ required: false, description: 'Required for a new version of a report already published: what it corrects. Public: no personal data.' })
  @IsOptional() @MultilineText() @IsString() @IsNotEmpty() @MaxLength(MAX_CORRECTION_NOTE_LENGTH)
  correctionNote?: string;
}
