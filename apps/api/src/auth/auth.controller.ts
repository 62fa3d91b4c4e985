import { Body, Controller, Get, HttpCode, NotFoundException, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AccountsService } from './accounts.service';
import { CurrentUser, Principal, Public } from '@pangolin/runtime';
import { LoginAttempt, LoginLimiter, TooManyFailedLogins } from './login-limiter';

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
  constructor(private readonly accounts: AccountsService, private readonly jwt: JwtService, private readonly limiter: LoginLimiter) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for a bearer token' })
  @ApiResponse({ status: 429, description: 'Too many failed logins for this account or from this address (see LOGIN_MAX_FAILURES_PER_ACCOUNT / _PER_ADDRESS); Retry-After says when to try again' })
  async login(@Body() body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    let attempt: LoginAttempt;
    try {
      attempt = this.limiter.begin(body.username, request.ip);
    } catch (error) {
      if (error instanceof TooManyFailedLogins) reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
    let principal: Principal | undefined;
    try {
      principal = await this.accounts.authenticate(body.username, body.password);
    } catch (error) {
      // An error (database down) is no guess: it does not count against the account.
      attempt.finished();
      throw error;
    }
    if (!principal) {
      attempt.failed();
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'unknown username or wrong password', code: 'auth.wrong-password' });
    }
    attempt.finished();
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
  @ApiOperation({ summary: 'The demo logins, when this server seeded demo data (embedded mode by default); 404 otherwise' })
  demoAccounts() {
    const demo = this.accounts.demoAccounts();
    if (!demo) throw new NotFoundException('this server has no demo logins: demo data is not seeded (SEED_DEMO=false)');
    return demo;
  }
}
