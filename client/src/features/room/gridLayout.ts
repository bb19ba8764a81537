/** How the room's video grid is laid out, and which simulcast layer each tile needs. Pure. */

/** Tiles keep the camera's 16:9 shape. */
export const TILE_ASPECT = 16 / 9;
/** Gap between tiles, in CSS pixels (matches .room-grid in styles.css). */
export const GRID_GAP = 12;
/** Below this width the grid stops fitting everything on screen and scrolls instead (phones). */
export const NARROW_WIDTH = 600;
/** The most people a group room shows (the clinical cap is 15). */
export const MAX_TILES = 15;

export interface GridLayout {
  columns: number;
  rows: number;
  /** Width of one tile in CSS pixels (0 when the grid has not been measured yet). */
  tileWidth: number;
}

/**
 * Columns and tile size for `count` tiles in a `width` × `height` box.
 * On wide screens, picks the column count that makes tiles largest while all of
 * them fit without scrolling. On narrow screens (phones), one column for up to
 * three people and two beyond, filling the width; the grid scrolls.
 */
export function gridLayout(count: number, width: number, height: number, gap = GRID_GAP): GridLayout {
  const n = Math.max(1, Math.min(count, MAX_TILES));
  if (width <= 0) {
    const columns = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
    return { columns, rows: Math.ceil(n / columns), tileWidth: 0 };
  }
  if (width < NARROW_WIDTH) {
    const columns = n <= 3 ? 1 : 2;
    return { columns, rows: Math.ceil(n / columns), tileWidth: Math.floor((width - gap * (columns - 1)) / columns) };
  }
  let best: GridLayout = { columns: 1, rows: n, tileWidth: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const byWidth = (width - gap * (columns - 1)) / columns;
    const byHeight = height > 0 ? ((height - gap * (rows - 1)) / rows) * TILE_ASPECT : byWidth;
    const tileWidth = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth };
  }
  return best;
}

/**
 * The simulcast layer worth receiving for a tile this wide: senders encode
 * ¼, ½ and full resolution (RoomClient CAMERA_ENCODINGS), so a small tile
 * takes the smallest layer and saves everyone's bandwidth.
 */
export function layerForTileWidth(tileWidth: number, devicePixelRatio = 1): 0 | 1 | 2 {
  const pixels = tileWidth * Math.max(1, Math.min(devicePixelRatio, 2));
  if (pixels <= 0) return 1; // not measured yet: a middle guess
  if (pixels < 260) return 0;
  if (pixels < 560) return 1;
  return 2;
}
