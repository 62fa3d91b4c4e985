import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { REGION_CODE } from '../http/money.dto';
import { MultilineText } from '../http/text';

export class LaunchProgrammeDto {
  @ApiProperty({ example: 'Nanshan livelihood cover 2026' }) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ example: '440305', description: 'Region whose eligible households the programme covers' })
  @Matches(REGION_CODE, { message: 'regionCode must be an administrative division code of 2, 4, 6, 9 or 12 digits' })
  regionCode: string;

  @ApiProperty() @IsUUID()
  productId: string;
}

export class CloseProgrammeDto {
  @ApiProperty() @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}
