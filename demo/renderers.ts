/**
 * What the page draws for one analysed clip: the waveform (with the analysed stretch shaded),
 * the mel spectrogram with its frequency axis and colour bar, and the probability bars. The
 * envelope, the colours and the raster come from src/display, shared with the report.
 */
import { DISPLAY_TOP_DB, envelopeColumns, matrixToRgba } from '../src/display/index.js';
import { hzToMel } from '../src/reference/mel.js';
import { DB_COLOURS, INK, plotArea, prepare, rasterCanvas, timeAxis } from './canvas.js';
import type { AnalysisResult } from './protocol.js';

/** Waveform of `r.display` (min/max per pixel column: exact peaks at any zoom), the analysed window shaded. */
export function drawWaveform(canvas: HTMLCanvasElement, r: AnalysisResult): void {
  const { g, w, h } = prepare(canvas);
  const p = plotArea(w, h);
  const seconds = r.display.length / r.displaySr;
  // The analysed window.
  const a = p.x0 + Math.min(1, r.window.start / seconds) * p.pw;
  const b = p.x0 + Math.min(1, r.window.end / seconds) * p.pw;
  g.fillStyle = 'rgba(48, 86, 211, 0.10)';
  g.fillRect(a, p.y0, b - a, p.ph);
  // Amplitude grid and labels.
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of [-1, -0.5, 0, 0.5, 1]) {
    const y = p.y0 + ((1 - v) / 2) * p.ph;
    g.strokeStyle = v === 0 ? '#c8cdd5' : '#eef0f4';
    g.beginPath();
    g.moveTo(p.x0, y);
    g.lineTo(p.x0 + p.pw, y);
    g.stroke();
    g.fillStyle = INK;
    g.fillText(String(v), p.x0 - 6, y);
  }
  g.fillStyle = '#3056d3';
  const { lo, hi } = envelopeColumns(r.display, Math.max(1, Math.floor(p.pw)));
  // Fewer samples than pixels: one column per sample, spread over the plot.
  const step = p.pw / Math.max(1, lo.length);
  for (let c = 0; c < lo.length; c++) {
    const yHi = p.y0 + ((1 - Math.min(1, hi[c]!)) / 2) * p.ph;
    const yLo = p.y0 + ((1 - Math.max(-1, lo[c]!)) / 2) * p.ph;
    g.fillRect(p.x0 + c * step, yHi, Math.max(1, step), Math.max(1, yLo - yHi));
  }
  timeAxis(g, p, 0, seconds);
}

/** Mel spectrogram in dB re max, low frequencies at the bottom, with a Hz axis on the mel scale and a dB colour bar. */
export function drawSpectrogram(canvas: HTMLCanvasElement, r: AnalysisResult): void {
  const { g, w, h } = prepare(canvas);
  const p = plotArea(w, h);
  const { melRows: rows, melCols: cols, melDb } = r;
  // One pixel per (frame, mel band), then scaled to the plot.
  const { rgba, width, height } = matrixToRgba(melDb, rows, cols, DB_COLOURS);
  g.imageSmoothingEnabled = false;
  g.drawImage(rasterCanvas(rgba, width, height), p.x0, p.y0, p.pw, p.ph);

  // Frequency axis: mel bands are evenly spaced on the Slaney mel scale from 0 to sr/2
  // (librosa.filters.mel); band m is centred at mel (m + 1) / (rows + 1) of the top.
  const nyquist = r.displaySr / 2;
  const melTop = hzToMel(nyquist);
  g.fillStyle = INK;
  g.strokeStyle = '#c8cdd5';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const hz of [0, 250, 500, 1000, 2000, 4000, 8000]) {
    if (hz > nyquist) continue;
    const band = (hzToMel(hz) / melTop) * (rows + 1) - 1;
    // 0 Hz lies half a band below the lowest band centre: pin it to the bottom edge.
    const y = hz === 0 ? p.y0 + p.ph : p.y0 + p.ph * (1 - (band + 0.5) / rows);
    if (y < p.y0 - 0.5) continue;
    g.beginPath();
    g.moveTo(p.x0 - 4, y);
    g.lineTo(p.x0, y);
    g.stroke();
    g.fillText(hz >= 1000 ? `${hz / 1000}k` : String(hz), p.x0 - 6, y);
  }
  g.save();
  g.translate(12, p.y0 + p.ph / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText('Hz (mel scale)', 0, 0);
  g.restore();
  // Frames are centred (librosa center=True): frame t sits at t · hop / sr seconds, so the
  // image spans the signal's duration, the same axis as the waveform above.
  timeAxis(g, p, 0, r.display.length / r.displaySr);

  // Colour bar in dB.
  const cx = p.x0 + p.pw + 16;
  for (let y = 0; y < p.ph; y++) {
    const [R, G, B] = DB_COLOURS(-DISPLAY_TOP_DB * (y / p.ph));
    g.fillStyle = `rgb(${R},${G},${B})`;
    g.fillRect(cx, p.y0 + y, 12, 1);
  }
  g.fillStyle = INK;
  g.textAlign = 'left';
  for (let db = 0; db >= -DISPLAY_TOP_DB; db -= 20) {
    g.fillText(`${db}`, cx + 16, p.y0 + (-db / DISPLAY_TOP_DB) * p.ph);
  }
  g.fillText('dB', cx + 16, p.y0 + p.ph + 12);
}

/** One row per class: name, a bar and a value (filled by {@link setBars}). */
export function buildBars(container: HTMLElement, classes: readonly string[]): void {
  container.replaceChildren();
  for (const c of classes) {
    const name = Object.assign(document.createElement('span'), { className: 'name', textContent: c });
    const track = Object.assign(document.createElement('div'), { className: 'track' });
    track.append(Object.assign(document.createElement('div'), { className: 'fill' }));
    const value = Object.assign(document.createElement('span'), { className: 'value', textContent: '–' });
    for (const el of [name, track, value]) el.dataset.emotion = c;
    container.append(name, track, value);
  }
}

/** The bars for one probability vector (class order), the predicted class highlighted. */
export function setBars(container: HTMLElement, classes: readonly string[], label: string, p: ArrayLike<number>): void {
  classes.forEach((c, i) => {
    const share = `${(100 * (p[i] ?? 0)).toFixed(1)}%`;
    for (const el of container.querySelectorAll<HTMLElement>(`[data-emotion="${c}"]`)) {
      el.classList.toggle('best', c === label);
      if (el.classList.contains('track')) (el.firstElementChild as HTMLElement).style.width = share;
      if (el.classList.contains('value')) el.textContent = share;
    }
  });
}
