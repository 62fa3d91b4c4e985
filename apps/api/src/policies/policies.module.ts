import { Module } from '@nestjs/common';
import { PoliciesController } from './policies.controller';
import { policyCommandHandlers } from './policies.commands';
import { PolicyExpirySweeper } from '@pangolin/runtime';

@Module({ controllers: [PoliciesController], providers: [...policyCommandHandlers, PolicyExpirySweeper] })
export class PoliciesModule {}
