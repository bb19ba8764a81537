import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, type FindOptionsWhere, type Repository } from 'typeorm';
import type { ScenarioCreate, ScenarioPatch, ScenarioScope, ScenarioView } from '@hearth/protocol';
import type { Principal } from '../auth/auth.service';
import { ProgramMemberEntity } from '../scheduling/entities/program.entity';
import type { ScenarioSnapshot } from './domain/exercise';
import { RoleplayScenarioRecord } from './entities/scenario.entity';
import { RoleplayError, RoleplayErrorCode } from './roleplay.error';

type Caller = Pick<Principal, 'userId' | 'role'>;

/**
 * The scenario library. Who sees what: built-in scenarios, everyone (staff);
 * a therapist's own, only them; a scenario shared with a program, its
 * therapists and admins. Admins also see the scenarios their programs'
 * therapists wrote, to share them. Owners edit their own; only an admin of
 * the program shares (or unshares) with it.
 */
@Injectable()
export class ScenarioLibrary {
  constructor(
    @InjectRepository(RoleplayScenarioRecord) private readonly scenarios: Repository<RoleplayScenarioRecord>,
    @InjectRepository(ProgramMemberEntity) private readonly members: Repository<ProgramMemberEntity>,
  ) {}

  async list(caller: Caller): Promise<ScenarioView[]> {
    const programs = await this.programsOf(caller.userId);
    const where: FindOptionsWhere<RoleplayScenarioRecord>[] = [{ ownerUserId: IsNull() }, { ownerUserId: caller.userId }];
    if (programs.length > 0) where.push({ sharedProgramId: In(programs) });
    if (caller.role === 'admin' && programs.length > 0) where.push({ ownerUserId: In(await this.colleaguesOf(programs)) });
    const rows = await this.scenarios.find({ where, order: { title: 'ASC' } });
    return rows.map((r) => this.view(r, caller, programs));
  }

  async get(caller: Caller, id: string): Promise<ScenarioView> {
    const programs = await this.programsOf(caller.userId);
    return this.view(await this.visible(caller, id, programs), caller, programs);
  }

  /** The scenario frozen for a live exercise, if the therapist may use it. */
  async snapshotFor(caller: Caller, id: string): Promise<ScenarioSnapshot> {
    const r = await this.visible(caller, id, await this.programsOf(caller.userId));
    return { id: r.id, title: r.title, skill: r.skill, setting: r.setting, goals: r.goals, roles: r.roles, checklist: r.checklist };
  }

  async create(caller: Caller, body: ScenarioCreate): Promise<ScenarioView> {
    const programs = await this.programsOf(caller.userId);
    const sharedProgramId = body.sharedProgramId ?? null;
    if (sharedProgramId) this.requireSharer(caller, programs, sharedProgramId);
    const saved = await this.scenarios.save(
      this.scenarios.create({ ...body, builtinKey: null, ownerUserId: caller.userId, sharedProgramId }),
    );
    return this.view(saved, caller, programs);
  }

  async update(caller: Caller, id: string, patch: ScenarioPatch): Promise<ScenarioView> {
    const programs = await this.programsOf(caller.userId);
    const r = await this.visible(caller, id, programs);
    const { sharedProgramId, ...content } = patch;
    if (Object.keys(content).length > 0 && !this.canEdit(r, caller, programs)) {
      throw new RoleplayError(RoleplayErrorCode.NotOwner, 'Only the author can change this scenario.');
    }
    if (sharedProgramId !== undefined) {
      // Sharing moves it into a program (or back out): an admin of both the old and the new program.
      if (r.ownerUserId === null) throw new RoleplayError(RoleplayErrorCode.NotOwner, 'Built-in scenarios are shared already.');
      if (sharedProgramId) this.requireSharer(caller, programs, sharedProgramId);
      if (r.sharedProgramId) this.requireSharer(caller, programs, r.sharedProgramId);
      if (!sharedProgramId && !r.sharedProgramId) this.requireSharer(caller, programs, null);
    }
    Object.assign(r, content, sharedProgramId !== undefined ? { sharedProgramId } : {});
    return this.view(await this.scenarios.save(r), caller, programs);
  }

  // -------------------------------------------------------------------------

  private async visible(caller: Caller, id: string, programs: string[]): Promise<RoleplayScenarioRecord> {
    const r = await this.scenarios.findOne({ where: { id } });
    const seen =
      r &&
      (r.ownerUserId === null ||
        r.ownerUserId === caller.userId ||
        (r.sharedProgramId !== null && programs.includes(r.sharedProgramId)) ||
        (caller.role === 'admin' && (await this.colleaguesOf(programs)).includes(r.ownerUserId)));
    // Someone else's scenario is "not found", not "forbidden": its existence is not the caller's business.
    if (!r || !seen) throw new RoleplayError(RoleplayErrorCode.ScenarioNotFound, 'No such scenario in your library.');
    return r;
  }

  private canEdit(r: RoleplayScenarioRecord, caller: Caller, programs: string[]): boolean {
    if (r.ownerUserId === null) return false;
    if (r.ownerUserId === caller.userId) return true;
    return caller.role === 'admin' && r.sharedProgramId !== null && programs.includes(r.sharedProgramId);
  }

  private requireSharer(caller: Caller, programs: string[], programId: string | null): void {
    if (caller.role !== 'admin' || (programId !== null && !programs.includes(programId))) {
      throw new RoleplayError(RoleplayErrorCode.Forbidden, 'Only an admin of the program shares scenarios with it.');
    }
  }

  private async programsOf(userId: string): Promise<string[]> {
    return (await this.members.find({ where: { userId } })).map((m) => m.programId);
  }

  private async colleaguesOf(programs: string[]): Promise<string[]> {
    if (programs.length === 0) return [];
    return [...new Set((await this.members.find({ where: { programId: In(programs) } })).map((m) => m.userId))];
  }

  private view(r: RoleplayScenarioRecord, caller: Caller, programs: string[]): ScenarioView {
    const scope: ScenarioScope = r.ownerUserId === null ? 'builtin' : r.ownerUserId === caller.userId ? 'own' : 'program';
    return {
      id: r.id,
      title: r.title,
      skill: r.skill,
      setting: r.setting,
      roles: r.roles,
      goals: r.goals,
      checklist: r.checklist,
      scope,
      ownerUserId: r.ownerUserId,
      sharedProgramId: r.sharedProgramId,
      editable: this.canEdit(r, caller, programs),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}
