import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GuestsController } from './guests.controller';
import { GuestsService } from './guests.service';

/** Family guests invited by link with the patient's consent (42 CFR Part 2). */
@Module({
  imports: [AuthModule],
  controllers: [GuestsController],
  providers: [GuestsService],
  exports: [GuestsService],
})
export class GuestsModule {}
