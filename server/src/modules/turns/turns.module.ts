import { type DynamicModule, Module } from '@nestjs/common';
import { TurnsService } from './turns.service';

/** Turn-taking in live sessions. `rooms` is the registered RoomsModule (it provides RoomsService). */
@Module({})
export class TurnsModule {
  static register(rooms: DynamicModule): DynamicModule {
    return { module: TurnsModule, imports: [rooms], providers: [TurnsService], exports: [TurnsService] };
  }
}
