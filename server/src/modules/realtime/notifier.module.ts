import { Global, Module } from '@nestjs/common';
import { Notifier } from './notifier';

/** Global so features can push events without importing the gateways (which import them). */
@Global()
@Module({ providers: [Notifier], exports: [Notifier] })
export class NotifierModule {}
