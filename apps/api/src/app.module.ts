import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { AccountsService } from './auth/accounts.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { UsersController } from './auth/users.controller';
import { ClaimsController } from './claims/claims.controller';
import { claimCommandHandlers } from './claims/claims.commands';
import { PangolinConfig } from './config/configuration';
import { GiftsController } from './gifts/gifts.controller';
import { giftCommandHandlers } from './gifts/gifts.commands';
import { HouseholdsController } from './households/households.controller';
import { householdCommandHandlers } from './households/households.commands';
import { DomainErrorFilter } from './http/domain-error.filter';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { PoliciesController } from './policies/policies.controller';
import { policyCommandHandlers } from './policies/policies.commands';
import { ProductsController } from './products/products.controller';
import { productCommandHandlers } from './products/products.commands';
import { ProgrammesController } from './programmes/programmes.controller';
import { programmeCommandHandlers } from './programmes/programmes.commands';
import { ViewsController } from './views/views.controller';
import { viewQueryHandlers } from './views/views.queries';

@Module({})
export class AppModule {
  static forRoot(config: PangolinConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config),
        CqrsModule.forRoot(),
        JwtModule.register({ secret: config.jwt.secret, signOptions: { expiresIn: config.jwt.ttlSeconds } }),
      ],
      controllers: [AuthController, UsersController, HouseholdsController, ProductsController, ProgrammesController, GiftsController, PoliciesController, ClaimsController, ViewsController],
      providers: [
        AccountsService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        ...householdCommandHandlers,
        ...productCommandHandlers,
        ...programmeCommandHandlers,
        ...giftCommandHandlers,
        ...policyCommandHandlers,
        ...claimCommandHandlers,
        ...viewQueryHandlers,
      ],
    };
  }
}
