/**
 * How the room's video grid is laid out, and which simulcast layer each tile needs. Pure.
 * Shared: the client lays its grid out with it, and bench/sfu-rooms --realistic derives
 * the layers its modelled laptops and phones ask for from the same rules (no drift).
 */

/** Tiles keep the camera's 16:9 shape. */
export const TILE_ASPECT = 16 / 9;
/** Gap between tiles, in CSS pixels (matches .room-grid in styles.css). */
export const GRID_GAP = 12;
/** Below this width the grid stops fitting everything on screen and scrolls instead (phones). */
export const NARROW_WIDTH = 600;
/** The most people a group room shows (the clinical cap is 15). */
export const MAX_TILES = 15;

/** On phones tiles may be as tall as 3:4 portrait, never shorter than this (then the grid scrolls). */
export const NARROW_MIN_TILE_HEIGHT = 120;

export interface GridLayout {
  columns: number;
  rows: number;
  /** Size of one tile in CSS pixels (0 when the grid has not been measured yet). */
  tileWidth: number;
  tileHeight: number;
}

/**
 * Columns and tile size for `count` tiles in a `width` × `height` box.
 * On wide screens, 16:9 tiles, with the column count that makes them largest
 * while all of them fit without scrolling. On narrow screens (phones), one
 * column for up to three people and two beyond; tiles fill the width and share
 * the height (video is cropped to fit), down to a minimum height, after which the grid scrolls.
 */
export function gridLayout(count: number, width: number, height: number, gap = GRID_GAP): GridLayout {
  const n = Math.max(1, Math.min(count, MAX_TILES));
  if (width <= 0) {
    const columns = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
    return { columns, rows: Math.ceil(n / columns), tileWidth: 0, tileHeight: 0 };
  }
  if (width < NARROW_WIDTH) {
    const columns = n <= 3 ? 1 : 2;
    const rows = Math.ceil(n / columns);
    const tileWidth = Math.floor((width - gap * (columns - 1)) / columns);
    const share = height > 0 ? (height - gap * (rows - 1)) / rows : tileWidth / TILE_ASPECT;
    const tileHeight = Math.floor(Math.max(NARROW_MIN_TILE_HEIGHT, Math.min(share, (tileWidth * 4) / 3)));
    return { columns, rows, tileWidth, tileHeight };
  }
  let best: GridLayout = { columns: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const byWidth = (width - gap * (columns - 1)) / columns;
    const byHeight = height > 0 ? ((height - gap * (rows - 1)) / rows) * TILE_ASPECT : byWidth;
    const tileWidth = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight: Math.floor(tileWidth / TILE_ASPECT) };
  }
  return best;
}

/**
 * The simulcast layer worth receiving for a tile this wide: senders encode
 * ¼, ½ and full resolution (the client's RoomClient CAMERA_ENCODINGS), so a small tile
 * takes the smallest layer and saves everyone's bandwidth.
 */
export function layerForTile(tile: { tileWidth: number; tileHeight: number }, devicePixelRatio = 1): 0 | 1 | 2 {
  // A cropped (taller than 16:9) tile shows the height of the picture in full: size by that.
  const width = Math.max(tile.tileWidth, tile.tileHeight * TILE_ASPECT);
  const pixels = width * Math.max(1, Math.min(devicePixelRatio, 2));
  if (pixels <= 0) return 1; // not measured yet: a middle guess
  if (pixels < 260) return 0;
  if (pixels < 560) return 1;
  return 2;
}
