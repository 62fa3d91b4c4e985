import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { MAX_CORRECTION_NOTE_LENGTH } from '@pangolin/domain';
import { MultilineText } from '../http/text';

export class PublishDisclosureDto {
  @ApiPropertyOptional({ description: 'The programme reported on; absent for the whole platform' }) @IsOptional() @IsUUID()
  programmeId?: string;

  @ApiPropertyOptional({ example: '2026-Q4', description: 'A quarter in China Standard Time; or give from and to' }) @IsOptional() @IsString()
  quarter?: string;

  @ApiPropertyOptional({ example: '2026-10-01', description: 'First day (China Standard Time), with to' }) @IsOptional() @IsString()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last day (China Standard Time), included' }) @IsOptional() @IsString()
  to?: string;

  @ApiProperty({ required: false, description: 'Required for a new version of a report already published: what it corrects. Public: no personal data.' })
  @IsOptional() @MultilineText() @IsString() @IsNotEmpty() @MaxLength(MAX_CORRECTION_NOTE_LENGTH)
  correctionNote?: string;
}
