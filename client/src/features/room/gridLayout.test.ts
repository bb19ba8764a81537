import { gridLayout, layerForTileWidth, MAX_TILES } from './gridLayout';

describe('gridLayout', () => {
  it('gives one person the whole stage', () => {
    const layout = gridLayout(1, 1400, 740);
    expect(layout.columns).toBe(1);
    // Height-bound: 740 px of 16:9 is 1315 px wide.
    expect(layout.tileWidth).toBe(1315);
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

  it('collapses to one column for a few people on a phone, two for more, filling the width', () => {
    expect(gridLayout(3, 351, 560)).toEqual({ columns: 1, rows: 3, tileWidth: 351 });
    expect(gridLayout(4, 351, 560)).toMatchObject({ columns: 2, rows: 2 });
    expect(gridLayout(15, 351, 560)).toMatchObject({ columns: 2, rows: 8, tileWidth: 169 });
  });

  it('never lays out more than the room cap', () => {
    expect(gridLayout(40, 1400, 740).rows * gridLayout(40, 1400, 740).columns).toBeGreaterThanOrEqual(MAX_TILES);
    expect(gridLayout(40, 1400, 740)).toEqual(gridLayout(MAX_TILES, 1400, 740));
  });

  it('still picks sensible columns before the grid is measured', () => {
    expect(gridLayout(2, 0, 0)).toEqual({ columns: 2, rows: 1, tileWidth: 0 });
    expect(gridLayout(9, 0, 0)).toMatchObject({ columns: 3 });
  });
});

describe('layerForTileWidth', () => {
  it('asks for the smallest layer for small tiles and the full one for large tiles', () => {
    expect(layerForTileWidth(169)).toBe(0);
    expect(layerForTileWidth(340)).toBe(1);
    expect(layerForTileWidth(656)).toBe(2);
  });

  it('counts device pixels (up to 2×) so phones get a sharp picture', () => {
    expect(layerForTileWidth(169, 3)).toBe(1);
    expect(layerForTileWidth(351, 3)).toBe(2);
  });

  it('asks for the middle layer until the tile is measured', () => {
    expect(layerForTileWidth(0)).toBe(1);
  });

  it('follows the grid: a room of fifteen on a desktop takes small layers, a pair takes the full one', () => {
    expect(layerForTileWidth(gridLayout(15, 1400, 740).tileWidth)).toBeLessThan(2);
    expect(layerForTileWidth(gridLayout(2, 1400, 740).tileWidth)).toBe(2);
  });
});
