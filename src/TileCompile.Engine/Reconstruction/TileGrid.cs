namespace TileCompile.Engine.Reconstruction;

/// <summary>
/// The overlapping square tiles an image is weighted by: their edge, the plane they cover and the left and top edges
/// of the grid's columns and rows.
/// </summary>
/// <param name="TileSize">Tile edge, pixels.</param>
/// <param name="Width">Width of the plane the tiles cover.</param>
/// <param name="Height">Height of that plane.</param>
/// <param name="Xs">Left edges of the columns of tiles.</param>
/// <param name="Ys">Top edges of the rows of tiles.</param>
public sealed record TileGrid(int TileSize, int Width, int Height, int[] Xs, int[] Ys);
