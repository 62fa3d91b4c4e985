import { DynamicModule, Module } from '@nestjs/common';
import { Clock, systemClock } from '@pangolin/application';
import { createSecretKey } from 'node:crypto';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { AuthModule } from './auth/auth.module';
import { ClaimsModule } from './claims/claims.module';
import { DisastersModule } from './disasters/disasters.module';
import { DisclosuresModule } from './disclosures/disclosures.module';
import { InfrastructureModule, OperationsModule, PangolinConfig } from '@pangolin/runtime';
import { GiftsModule } from './gifts/gifts.module';
import { HouseholdsModule } from './households/households.module';
import { DatabaseUnavailableFilter } from './http/database-unavailable.filter';
import { DomainErrorFilter, HttpErrorFilter } from './http/domain-error.filter';
import { IdempotencyInterceptor } from './http/idempotency';
import { CommandsModule } from './infrastructure/commands.module';
import { DeadLettersModule } from './operations/dead-letters.module';
import { PoliciesModule } from './policies/policies.module';
import { ProductsModule } from './products/products.module';
import { ProgrammesModule } from './programmes/programmes.module';
import { TransparencyModule } from './transparency/transparency.module';
import { ViewsModule } from './views/views.module';
import { RegionsModule } from './regions/regions.module';
import { EvidenceModule } from './evidence/evidence.module';

/** One module per bounded context, each a thin shell (controller + command handlers) around its decider. */
@Module({})
export class AppModule {
  static forRoot(config: PangolinConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config, clock),
        CommandsModule,
        CqrsModule.forRoot(),
        JwtModule.register({
          global: true,
          // A secret KeyObject, not the string: given a string, jsonwebtoken first tries (and fails)
          // to read it as a public key on every verification.
          secret: createSecretKey(Buffer.from(config.jwt.secret)),
          signOptions: { algorithm: 'HS256', expiresIn: config.jwt.ttlSeconds },
          verifyOptions: { algorithms: ['HS256'] },
        }),
        AuthModule,
        HouseholdsModule,
        ProductsModule,
        ProgrammesModule,
        GiftsModule,
        PoliciesModule,
        ClaimsModule,
        DisastersModule,
        ViewsModule,
        TransparencyModule,
        DisclosuresModule,
        OperationsModule,
        DeadLettersModule,
        RegionsModule,
        EvidenceModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_FILTER, useClass: DatabaseUnavailableFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
