import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { IS_PUBLIC, Principal, REQUIRED_ROLES, Role } from '@pangolin/runtime';

/**
 * Every route needs a valid bearer token unless marked @Public(); @Roles() narrows who may call it.
 * A token sent to a public route must still be valid.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    // Public routes still recognise a signed-in caller (who may then see more).
    if (isPublic && !token) return true;
    if (!token) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'a bearer token is required: POST /auth/login to get one', code: 'auth.token-required' });
    let principal: Principal;
    try {
      principal = (await this.jwt.verifyAsync<{ principal: Principal }>(token)).principal;
    } catch {
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'the bearer token is invalid or has expired', code: 'auth.session-expired' });
    }
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: `this action is for ${roles.join(' or ')}; you are signed in as ${principal.role}`, code: 'auth.forbidden-role', params: { roles, role: principal.role } });
    }
    return true;
  }
}
