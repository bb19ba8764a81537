/** The grid's layout and each tile's simulcast layer live in the protocol package (the SFU bench uses the same rules). */
export { GRID_GAP, gridLayout, layerForTile, MAX_TILES, NARROW_MIN_TILE_HEIGHT, NARROW_WIDTH, TILE_ASPECT, type GridLayout } from '@hearth/protocol';
