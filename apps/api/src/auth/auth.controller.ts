import { Body, Controller, Get, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AccountsService } from './accounts.service';
import { CurrentUser, Public } from './decorators';
import { Principal } from './principal';

export class LoginDto {
  @ApiProperty({ example: 'donor.li' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'pangolin-demo' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password: string;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService, private readonly jwt: JwtService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for a bearer token' })
  async login(@Body() body: LoginDto) {
    const principal = await this.accounts.authenticate(body.username, body.password);
    if (!principal) throw new UnauthorizedException('unknown username or wrong password');
    return { accessToken: await this.jwt.signAsync({ principal }, { subject: principal.userId }), tokenType: 'Bearer', user: principal };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the bearer token belongs to' })
  me(@CurrentUser() user: Principal) {
    return user;
  }

  @Public()
  @Get('demo-accounts')
  @ApiOperation({ summary: 'The demo logins seeded in embedded mode (empty when SEED_DEMO=false)' })
  demoAccounts() {
    return this.accounts.demoAccounts();
  }
}
