/** Which tile goes large (pinned, or the speaker in speaker view) and which simulcast layer each tile asks for. Pure. */
import type { ParticipantView } from '@hearth/protocol';
import { layerForTile } from './gridLayout';

export type ViewMode = 'grid' | 'speaker';

const VIEW_KEY = 'hearth.viewMode';

/** The view chosen last on this device (grid unless speaker was chosen). */
export function storedViewMode(): ViewMode {
  try {
    return localStorage.getItem(VIEW_KEY) === 'speaker' ? 'speaker' : 'grid';
  } catch {
    return 'grid';
  }
}

export function storeViewMode(mode: ViewMode): void {
  try {
    localStorage.setItem(VIEW_KEY, mode);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

export interface FeaturedInput {
  tiles: ParticipantView[];
  selfUserId: string | null;
  /** This user's own pin (a local choice, nobody else sees it). */
  pinnedUserId: string | null;
  viewMode: ViewMode;
  activeSpeakerUserId: string | null;
  /** The last other person who spoke (speaker view keeps them large through a silence). */
  lastSpeakerUserId: string | null;
}

/**
 * Who is shown large: a pin wins (if that person is still on screen); in
 * speaker view, whoever speaks now, else who spoke last, else the first other
 * person (a therapist first: the tiles come ordered). Never yourself unless
 * pinned: nobody needs their own face large. Null: the grid.
 */
export function featuredUserId(i: FeaturedInput): string | null {
  const present = (id: string | null): id is string => id !== null && i.tiles.some((t) => t.userId === id);
  if (present(i.pinnedUserId)) return i.pinnedUserId;
  if (i.viewMode !== 'speaker') return null;
  const others = i.tiles.filter((t) => t.userId !== i.selfUserId);
  if (others.length === 0) return null;
  if (i.activeSpeakerUserId !== i.selfUserId && present(i.activeSpeakerUserId)) return i.activeSpeakerUserId;
  if (i.lastSpeakerUserId !== i.selfUserId && present(i.lastSpeakerUserId)) return i.lastSpeakerUserId;
  return others[0]!.userId;
}

/** Strip tiles (beside a featured tile or a shared screen) are thumbnails: the smallest layer. */
export const STRIP_LAYER = 0;

/** The large tile's layer, by the size of its stage (full resolution on a laptop). */
export function featuredLayer(stage: { width: number; height: number }, devicePixelRatio = 1): 0 | 1 | 2 {
  if (stage.width <= 0) return 2; // not measured yet: the large tile is large
  return layerForTile({ tileWidth: stage.width, tileHeight: stage.height }, devicePixelRatio);
}
