import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CheckinsService } from './checkins.service';
import { CheckinAnswerRecord } from './entities/checkin-answer.entity';
import { CheckinRecord } from './entities/checkin.entity';

/** Check-ins in live sessions. `rooms` is the registered RoomsModule (it provides RoomsService). */
@Module({})
export class CheckinsModule {
  static register(rooms: DynamicModule): DynamicModule {
    return {
      module: CheckinsModule,
      imports: [TypeOrmModule.forFeature([CheckinRecord, CheckinAnswerRecord]), rooms],
      providers: [CheckinsService],
      exports: [CheckinsService],
    };
  }
}
