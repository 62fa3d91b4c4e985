import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { CreationLookup, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { AccountsService } from './accounts.service';
import { Role, Roles, ROLES } from '@pangolin/runtime';

export class CreateUserDto {
  @ApiProperty() @IsString() @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'username must be 3-64 characters of a-z, 0-9, ".", "_" or "-"' })
  username: string;

  @ApiProperty() @IsString() @MinLength(10) @MaxLength(200)
  password: string;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200)
  displayName: string;

  @ApiProperty({ enum: ROLES }) @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ description: 'Required for role insurer: the insurer this user acts for' })
  @ValidateIf((o: CreateUserDto) => o.role === 'insurer') @IsString() @Matches(/^[a-z0-9-]{2,64}$/, { message: 'insurerId must be 2-64 characters of a-z, 0-9 or "-"' })
  insurerId?: string;

  @ApiPropertyOptional({ description: 'Required for role government: the administrative division code of its region' })
  @ValidateIf((o: CreateUserDto) => o.role === 'government') @IsString() @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, { message: 'regionCode must be an administrative division code of 2, 4, 6, 9 or 12 digits' })
  regionCode?: string;
}

/** The login an earlier request with the Idempotency-Key created. */
const createdAccount: CreationLookup = ({ creation, body }, services) => services.get(AccountsService, { strict: false }).createdBy(creation, (body as { password?: unknown } | undefined)?.password);

@ApiTags('auth')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Roles('admin')
  // The password stays out of the stored fingerprint (an unsalted hash of it): a retry's password is checked against the account's own hash.
  @IdempotentCreationRoute(createdAccount, { fingerprintOmits: ['password'] })
  @ApiOperation({ summary: 'Create a login (admin only)' })
  create(@Ctx() context: RequestContext, @Body() body: CreateUserDto) {
    return this.accounts.create({
      ...body,
      userId: context.newId(),
      insurerId: body.role === 'insurer' ? body.insurerId : undefined,
      regionCode: body.role === 'government' ? body.regionCode : undefined,
      creationFingerprint: context.idempotency?.fingerprint,
    });
  }
}
