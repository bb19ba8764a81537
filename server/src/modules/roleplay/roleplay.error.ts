import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum RoleplayErrorCode {
  ScenarioNotFound = 'roleplay_scenario_not_found',
  NotOwner = 'roleplay_not_owner',
  Forbidden = 'forbidden',
  AlreadyActive = 'roleplay_already_active',
  NoExercise = 'roleplay_no_exercise',
  TargetNotPresent = 'roleplay_target_not_present',
  UnknownRole = 'roleplay_unknown_role',
  RolesUnassigned = 'roleplay_roles_unassigned',
  SceneRunning = 'roleplay_scene_running',
  SceneNotRunning = 'roleplay_scene_not_running',
  NotObserver = 'roleplay_not_observer',
  NotAPlayer = 'roleplay_not_a_player',
  BreakoutsActive = 'roleplay_breakouts_active',
  NoBreakouts = 'roleplay_no_breakouts',
  BreakoutNotFound = 'roleplay_breakout_not_found',
  BadGroups = 'roleplay_bad_groups',
}

export class RoleplayError extends DomainError<RoleplayErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case RoleplayErrorCode.NotOwner:
      case RoleplayErrorCode.Forbidden:
      case RoleplayErrorCode.NotObserver:
        return 403;
      case RoleplayErrorCode.ScenarioNotFound:
      case RoleplayErrorCode.NoExercise:
      case RoleplayErrorCode.TargetNotPresent:
      case RoleplayErrorCode.BreakoutNotFound:
        return 404;
      case RoleplayErrorCode.UnknownRole:
      case RoleplayErrorCode.NotAPlayer:
      case RoleplayErrorCode.BadGroups:
        return 400;
      case RoleplayErrorCode.AlreadyActive:
      case RoleplayErrorCode.RolesUnassigned:
      case RoleplayErrorCode.SceneRunning:
      case RoleplayErrorCode.SceneNotRunning:
      case RoleplayErrorCode.BreakoutsActive:
      case RoleplayErrorCode.NoBreakouts:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
