import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SafetyCheckRecord } from '../rooms/entities/safety-check.entity';
import { CrisisService } from './crisis.service';
import { CrisisEventRecord } from './entities/crisis-event.entity';

/** Crisis alerts and side rooms in live sessions. `rooms` is the registered RoomsModule (it provides RoomsService). */
@Module({})
export class CrisisModule {
  static register(rooms: DynamicModule): DynamicModule {
    return {
      module: CrisisModule,
      imports: [TypeOrmModule.forFeature([CrisisEventRecord, SafetyCheckRecord]), rooms],
      providers: [CrisisService],
      exports: [CrisisService],
    };
  }
}
