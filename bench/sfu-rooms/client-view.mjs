// What the real client asks the SFU for in a room of n, derived from the client's own
// rules rather than guessed: gridLayout and layerForTile from packages/protocol (the
// client's RoomView uses the same functions), applied to the grid box the room lays out
// on a 1366×768 laptop and a 390×844 phone (client-view.json, measured in Chromium and
// checked by tests/e2e/sender-cap.e2e.ts so the two cannot drift apart).
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const built = path.join(here, '../../packages/protocol/dist/tile-layout.js');
if (!existsSync(built)) {
  console.error('sfu-rooms: packages/protocol is not built (node scripts/hearth.mjs build)');
  process.exit(2);
}
const { GRID_GAP, gridLayout, layerForTile } = require(built);

/** Viewports and the grid's content box there (CSS px), as the room lays it out for a patient. */
export const CLIENT_VIEW = JSON.parse(readFileSync(path.join(here, 'client-view.json'), 'utf8'));
for (const device of ['laptop', 'phone']) {
  const box = CLIENT_VIEW[device]?.gridBox;
  if (!(box?.width > 0 && box?.height > 0)) {
    console.error(`sfu-rooms: client-view.json has no measured ${device} grid box (tests/e2e/sender-cap.e2e.ts prints it)`);
    process.exit(2);
  }
}

/**
 * The layout and the simulcast layer each device's tiles ask for with `count`
 * people in the room (everyone's tile, their own included, is in the grid).
 */
export function clientLayers(count, { laptopDpr = 1, phoneDpr = 2 } = {}) {
  const at = (device, dpr) => {
    const { gridBox } = CLIENT_VIEW[device];
    const layout = gridLayout(count, gridBox.width, gridBox.height);
    // Tiles the grid's scroll box shows at the top (a phone's grid scrolls; rows start at the
    // top there): a row counts as soon as part of it shows, as the tiles' IntersectionObserver
    // (no threshold) reports it, and a tile not reported is paused at the SFU.
    const rowsShown = Array.from({ length: layout.rows }, (_, k) => k).filter((k) => k * (layout.tileHeight + GRID_GAP) < gridBox.height).length;
    const tilesShown = Math.min(count, rowsShown * layout.columns);
    // Your own tile comes first (RoomView orderTiles) and needs no consumer.
    return { ...layout, dpr, layer: layerForTile(layout, dpr), tilesShown, othersShown: tilesShown - 1 };
  };
  return {
    laptop: at('laptop', laptopDpr),
    laptopDpr2: at('laptop', 2),
    phone: at('phone', phoneDpr),
    phoneDpr1: at('phone', 1),
  };
}
