import { gridLayout, layerForTile, MAX_TILES, NARROW_MIN_TILE_HEIGHT } from './tile-layout';

const w = (tileWidth: number) => ({ tileWidth, tileHeight: Math.floor((tileWidth * 9) / 16) });

describe('gridLayout', () => {
  it('gives one person the whole stage', () => {
    const layout = gridLayout(1, 1400, 740);
    expect(layout.columns).toBe(1);
    // Height-bound: 740 px of 16:9 is 1315 px wide.
    expect(layout.tileWidth).toBe(1315);
    expect(layout.tileHeight).toBe(739);
  });

  it('puts three people on a desktop in two columns, not one tall stack', () => {
    expect(gridLayout(3, 1400, 740)).toMatchObject({ columns: 2, rows: 2 });
  });

  it('fits a full group of fifteen on a desktop without scrolling', () => {
    const layout = gridLayout(15, 1400, 740);
    expect(layout.columns).toBeGreaterThanOrEqual(4);
    const heightUsed = layout.rows * (layout.tileWidth / (16 / 9)) + (layout.rows - 1) * 12;
    expect(heightUsed).toBeLessThanOrEqual(740);
    expect(layout.columns * layout.tileWidth + (layout.columns - 1) * 12).toBeLessThanOrEqual(1400);
  });

  it('collapses to one column for a few people on a phone, two for more, sharing the screen height', () => {
    // Three people stack and fill the height: no scrolling to see anyone.
    expect(gridLayout(3, 351, 560)).toEqual({ columns: 1, rows: 3, tileWidth: 351, tileHeight: 178 });
    expect(gridLayout(4, 351, 560)).toMatchObject({ columns: 2, rows: 2, tileWidth: 169 });
    // One person: portrait at most 3:4, not a sliver stretched to the whole height.
    expect(gridLayout(1, 351, 700)).toMatchObject({ columns: 1, tileHeight: 468 });
  });

  it('lets a full group scroll on a phone rather than shrinking tiles to nothing', () => {
    const layout = gridLayout(15, 351, 560);
    expect(layout).toMatchObject({ columns: 2, rows: 8, tileWidth: 169, tileHeight: NARROW_MIN_TILE_HEIGHT });
  });

  it('never lays out more than the room cap', () => {
    expect(gridLayout(40, 1400, 740).rows * gridLayout(40, 1400, 740).columns).toBeGreaterThanOrEqual(MAX_TILES);
    expect(gridLayout(40, 1400, 740)).toEqual(gridLayout(MAX_TILES, 1400, 740));
  });

  it('still picks sensible columns before the grid is measured', () => {
    expect(gridLayout(2, 0, 0)).toEqual({ columns: 2, rows: 1, tileWidth: 0, tileHeight: 0 });
    expect(gridLayout(9, 0, 0)).toMatchObject({ columns: 3 });
  });
});

describe('layerForTile', () => {
  it('asks for the smallest layer for small tiles and the full one for large tiles', () => {
    expect(layerForTile(w(140))).toBe(0);
    expect(layerForTile(w(340))).toBe(1);
    expect(layerForTile(w(656))).toBe(2);
  });

  it('counts device pixels (up to 2×) so phones get a sharp picture', () => {
    expect(layerForTile(w(169), 3)).toBe(1);
    expect(layerForTile(w(351), 3)).toBe(2);
  });

  it('asks for the middle layer until the tile is measured', () => {
    expect(layerForTile({ tileWidth: 0, tileHeight: 0 })).toBe(1);
  });

  it('follows the grid: a room of fifteen on a desktop takes small layers, a pair takes the full one', () => {
    expect(layerForTile(gridLayout(15, 1400, 740))).toBeLessThan(2);
    expect(layerForTile(gridLayout(2, 1400, 740))).toBe(2);
  });

  it('sizes a cropped phone tile by the larger of the width and height it shows', () => {
    // 351×178 is wider than 16:9: the full width shows, the middle layer is enough.
    expect(layerForTile(gridLayout(3, 351, 560))).toBe(1);
    // 169×300 (portrait, two columns) shows a picture 533 px wide, cropped at the sides.
    expect(layerForTile({ tileWidth: 169, tileHeight: 300 })).toBe(1);
    expect(layerForTile({ tileWidth: 169, tileHeight: 300 }, 2)).toBe(2);
  });
});

describe('a group of twelve as bench/sfu-rooms --realistic models it (grid boxes measured in Chromium)', () => {
  it('a 1366×768 laptop (grid box 942×515): 4×3 tiles of 226 px, layer 0 at DPR 1 and layer 1 at DPR 2', () => {
    const layout = gridLayout(12, 942, 515);
    expect(layout).toEqual({ columns: 4, rows: 3, tileWidth: 226, tileHeight: 127 });
    expect(layerForTile(layout, 1)).toBe(0);
    expect(layerForTile(layout, 2)).toBe(1);
  });

  it('a 390×844 phone (grid box 366×439, it scrolls): 2 columns of 177×120, layer 1 at DPR 2', () => {
    const layout = gridLayout(12, 366, 439);
    expect(layout).toEqual({ columns: 2, rows: 6, tileWidth: 177, tileHeight: 120 });
    expect(layerForTile(layout, 2)).toBe(1);
    expect(layerForTile(layout, 3)).toBe(1);
    expect(layerForTile(layout, 1)).toBe(0);
  });
});
