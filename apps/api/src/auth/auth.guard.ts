import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { IS_PUBLIC, Principal, REQUIRED_ROLES, Role } from '@pangolin/runtime';

/**
 * Every route needs a valid bearer token unless marked @Public(); @Roles() narrows who may call it.
 * A token sent to a public route must still be valid.
 */
/** Tokens remembered as verified, at most this many (then forgotten all at once). */
const VERIFIED_TOKENS = 10_000;

@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Tokens this process has verified (signature, algorithm), by their exact text, with the times
   * that bound them: a client sends the same token with every request, and checking its HMAC and
   * decoding it again each time cost more than a small route itself. Only its time limits can change,
   * and they are checked on every use, as jsonwebtoken does (whole seconds, no tolerance).
   */
  private readonly verified = new Map<string, { principal: Principal; exp?: number; nbf?: number }>();

  constructor(private readonly reflector: Reflector, private readonly jwt: JwtService) {}

  private async principalOf(token: string): Promise<Principal> {
    const now = Math.floor(Date.now() / 1000);
    const known = this.verified.get(token);
    if (known && (known.exp === undefined || now < known.exp) && (known.nbf === undefined || known.nbf <= now)) return known.principal;
    this.verified.delete(token);
    const { principal, exp, nbf } = await this.jwt.verifyAsync<{ principal: Principal; exp?: number; nbf?: number }>(token);
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.clear();
    // Shared by every request with this token: frozen, so that none can change what the others see.
    this.verified.set(token, { principal: Object.freeze(principal), exp, nbf });
    return principal;
  }

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
      principal = await this.principalOf(token);
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
