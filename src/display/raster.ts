/**
 * Colour-maps a matrix into an RGBA raster: the report embeds it in a spectrogram panel as
 * one PNG, the demo page puts it on a canvas. Browser-safe.
 */

/**
 * RGBA pixels (top row first) of a [rows, cols] row-major matrix whose row 0 is drawn at
 * the BOTTOM (as librosa's frequency rows are). `rowRepeat[r]` is how many pixel rows row r
 * takes, so bands of unequal height keep their exact extent with nearest-neighbour scaling.
 */
export function matrixToRgba(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  colorOf: (value: number) => [number, number, number],
  rowRepeat: readonly number[] = Array.from({ length: rows }, () => 1),
): { rgba: Uint8Array<ArrayBuffer>; width: number; height: number } {
  if (data.length !== rows * cols) throw new RangeError(`matrix data must hold ${rows} × ${cols} values, got ${data.length}`);
  if (rowRepeat.length !== rows) throw new RangeError(`rowRepeat must give one count per row (${rows}), got ${rowRepeat.length}`);
  const height = rowRepeat.reduce((n, k) => n + k, 0);
  const width = cols;
  const rgba = new Uint8Array(width * height * 4);
  let y = height;
  for (let r = 0; r < rows; r++) {
    // The first pixel row of this band counted from the top.
    y -= rowRepeat[r]!;
    const first = y * width * 4;
    for (let c = 0; c < cols; c++) {
      const [red, green, blue] = colorOf(data[r * cols + c]!);
      const at = first + c * 4;
      rgba[at] = red;
      rgba[at + 1] = green;
      rgba[at + 2] = blue;
      rgba[at + 3] = 255;
    }
    for (let k = 1; k < rowRepeat[r]!; k++) rgba.copyWithin(first + k * width * 4, first, first + width * 4);
  }
  return { rgba, width, height };
}
