import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { AuthModule } from './auth/auth.module';
import { ClaimsModule } from './claims/claims.module';
import { PangolinConfig } from './config/configuration';
import { GiftsModule } from './gifts/gifts.module';
import { HouseholdsModule } from './households/households.module';
import { DomainErrorFilter } from './http/domain-error.filter';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { OperationsModule } from './operations/operations.module';
import { PoliciesModule } from './policies/policies.module';
import { ProductsModule } from './products/products.module';
import { ProgrammesModule } from './programmes/programmes.module';
import { ViewsModule } from './views/views.module';

/** One module per bounded context, each a thin shell (controller + command handlers) around its decider. */
@Module({})
export class AppModule {
  static forRoot(config: PangolinConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config),
        CqrsModule.forRoot(),
        JwtModule.register({ global: true, secret: config.jwt.secret, signOptions: { expiresIn: config.jwt.ttlSeconds } }),
        AuthModule,
        HouseholdsModule,
        ProductsModule,
        ProgrammesModule,
        GiftsModule,
        PoliciesModule,
        ClaimsModule,
        ViewsModule,
        OperationsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
