import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { HOUSEHOLD_CATEGORIES, HouseholdCategory } from '@pangolin/domain';
import { MultilineText } from '../http/text';

export class HouseholdMemberDto {
  @ApiProperty({ example: '张小明' }) @IsString() @IsNotEmpty() @MaxLength(100)
  name: string;

  @ApiProperty({ example: 'son' }) @IsString() @IsNotEmpty() @MaxLength(50)
  relation: string;

  @ApiPropertyOptional({ example: '44030520100101002X' }) @IsOptional() @Matches(/^\d{17}[\dX]$/, { message: 'nationalId must be an 18-character resident ID number' })
  nationalId?: string;
}

export class HouseholdPersonalDto {
  @ApiProperty({ example: '张伟' }) @IsString() @IsNotEmpty() @MaxLength(100)
  headName: string;

  @ApiProperty({ example: '440305197001010016', description: '18-character resident ID number with a valid check character' })
  @Matches(/^\d{17}[\dX]$/, { message: 'headNationalId must be an 18-character resident ID number (17 digits and a check digit or X)' })
  headNationalId: string;

  @ApiProperty({ type: [HouseholdMemberDto] }) @IsArray() @ArrayMaxSize(30) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => HouseholdMemberDto)
  members: HouseholdMemberDto[];

  @ApiProperty({ example: '南山区西丽街道1号' }) @IsString() @IsNotEmpty() @MaxLength(300)
  address: string;
}

export class RegisterHouseholdDto {
  @ApiProperty({ example: '440305001001', description: '12-digit village (community) code' })
  @Matches(/^\d{12}$/, { message: 'villageCode must be a 12-digit village code' })
  villageCode: string;

  @ApiProperty({ enum: HOUSEHOLD_CATEGORIES }) @IsIn(HOUSEHOLD_CATEGORIES)
  category: HouseholdCategory;

  @ApiProperty({ type: HouseholdPersonalDto }) @IsObject() @ValidateNested() @Type(() => HouseholdPersonalDto)
  personal: HouseholdPersonalDto;
}

export class VerifyEligibilityDto {
  @ApiProperty({ enum: HOUSEHOLD_CATEGORIES }) @IsIn(HOUSEHOLD_CATEGORIES)
  category: HouseholdCategory;
}

export class RevokeEligibilityDto {
  @ApiProperty({ example: 'moved out of the county' }) @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}

export class EraseHouseholdPersonalDataDto {
  @ApiProperty({ example: 'the household asked for its data to be erased', description: 'Recorded in the event log for good: never put personal data in it' })
  @MultilineText() @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}

/** Rows an import would register, checked without registering: at most 500 per request (a large file is checked a part at a time). */
export class CheckHouseholdImportDto {
  @ApiProperty({ type: [RegisterHouseholdDto], description: 'Each row as POST /households takes it; each is judged on its own' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500)
  rows: unknown[];
}

/** The largest row index an import may give (a 5 MB file holds some 50,000 rows). */
export const MAX_IMPORT_ROW = 999_999;

export class HouseholdImportRowDto {
  @ApiProperty({ example: 0, minimum: 0, maximum: MAX_IMPORT_ROW, description: 'The row\'s index in the file (0: the first row after the header)' })
  @IsInt() @Min(0) @Max(MAX_IMPORT_ROW)
  row: number;

  @ApiProperty({ type: RegisterHouseholdDto, description: 'The row as POST /households takes it; its broken rules are answered for this row alone' })
  @IsObject()
  household: unknown;
}

/**
 * Rows of an import to register: at most 200 per request (a large file is registered a part at a
 * time). With `importId`, each row's index gives the household its id, so the same rows sent again
 * (an answer lost, a retry after a crash) register nobody twice.
 */
export class RegisterHouseholdImportDto {
  @ApiProperty({ example: '3f2a9c0e5b7d41a8c6e0f19b2d4a7c35', description: 'What identifies the file, e.g. the first 32 hexadecimal digits of its SHA-256: the same file, the same households' })
  @Matches(/^[0-9a-f]{32}$/, { message: 'importId must be 32 lower-case hexadecimal digits' })
  importId: string;

  @ApiProperty({ description: 'Also verify each registered household as eligible, under its category' })
  @IsBoolean()
  verify: boolean;

  @ApiProperty({ type: [HouseholdImportRowDto], description: 'At most 200 rows, each row index once' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @IsObject({ each: true }) @ArrayUnique((item: HouseholdImportRowDto) => item?.row, { message: 'rows must name each row once' }) @ValidateNested({ each: true }) @Type(() => HouseholdImportRowDto)
  rows: HouseholdImportRowDto[];
}
