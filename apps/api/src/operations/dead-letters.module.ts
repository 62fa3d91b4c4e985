import { Module } from '@nestjs/common';
import { ParkedEventsController } from './parked-events.controller';

/** The parked events (dead letters), for administrators: /admin/parked-events. Part of the API only, behind its login. */
@Module({ controllers: [ParkedEventsController] })
export class DeadLettersModule {}
