import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgramMemberEntity } from '../scheduling/entities/program.entity';
import { RoleplayExerciseRecord, RoleplayFeedbackRecord, RoleplayRoundRecord } from './entities/exercise.entity';
import { RoleplayScenarioRecord } from './entities/scenario.entity';
import { RoleplayController } from './roleplay.controller';
import { RoleplayService } from './roleplay.service';
import { ScenarioLibrary } from './scenario-library.service';

/** Role-play: the scenario library (HTTP) and live exercises. `rooms` is the registered RoomsModule (it provides RoomsService). */
@Module({})
export class RoleplayModule {
  static register(rooms: DynamicModule): DynamicModule {
    return {
      module: RoleplayModule,
      imports: [
        TypeOrmModule.forFeature([
          RoleplayScenarioRecord,
          RoleplayExerciseRecord,
          RoleplayRoundRecord,
          RoleplayFeedbackRecord,
          ProgramMemberEntity,
        ]),
        rooms,
      ],
      controllers: [RoleplayController],
      providers: [ScenarioLibrary, RoleplayService],
      exports: [RoleplayService, ScenarioLibrary],
    };
  }
}
