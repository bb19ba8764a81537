import { type DynamicModule, Module } from '@nestjs/common';
import { ScreenShareService } from './screenshare.service';

/** Screen sharing in live sessions. `rooms` is the registered RoomsModule (it provides RoomsService). */
@Module({})
export class ScreenShareModule {
  static register(rooms: DynamicModule): DynamicModule {
    return { module: ScreenShareModule, imports: [rooms], providers: [ScreenShareService], exports: [ScreenShareService] };
  }
}
