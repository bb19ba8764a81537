import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { scenarioCreateSchema, scenarioPatchSchema, type ScenarioCreate, type ScenarioPatch, type ScenarioView } from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IdParam } from '../scheduling/params';
import { ScenarioLibrary } from './scenario-library.service';

/** The role-play scenario library: staff only (patients never read role instructions from here). */
@Controller('api/roleplay/scenarios')
@Roles('admin', 'therapist')
export class RoleplayController {
  constructor(private readonly library: ScenarioLibrary) {}

  /** Built-in, own, and shared with the caller's programs (admins: also their therapists'). */
  @Get()
  list(@CurrentPrincipal() p: Principal): Promise<ScenarioView[]> {
    return this.library.list(p);
  }

  @Get(':scenarioId')
  get(@CurrentPrincipal() p: Principal, @IdParam('scenarioId') id: string): Promise<ScenarioView> {
    return this.library.get(p, id);
  }

  /** A new scenario of the caller's; admins may share it with one of their programs (`sharedProgramId`). */
  @Post()
  create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(scenarioCreateSchema)) body: ScenarioCreate): Promise<ScenarioView> {
    return this.library.create(p, body);
  }

  /** Content: the author (or an admin of the program it is shared with). `sharedProgramId`: admins of the program only. */
  @Patch(':scenarioId')
  update(
    @CurrentPrincipal() p: Principal,
    @IdParam('scenarioId') id: string,
    @Body(new ZodPipe(scenarioPatchSchema)) body: ScenarioPatch,
  ): Promise<ScenarioView> {
    return this.library.update(p, id, body);
  }
}
