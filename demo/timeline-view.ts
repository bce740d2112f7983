/**
 * Drawing for emotion over time on the demo page (main thread; it only draws what the worker sends):
 *  - TimelineView: class probabilities per window as stacked columns over time (the report's
 *    emotion colours), windows without speech in grey; the whole file, or the last 30 s live;
 *  - LiveScope: the microphone's waveform and mel spectrogram scrolling over the last seconds.
 */
import { emotionColors } from '../src/report/colors.js';
import type { WindowLite } from './protocol.js';
import { matrixToRgba } from '../src/display/index.js';
import { DB_COLOURS, INK, plotArea, prepare, rasterCanvas, timeAxis } from './canvas.js';

const NO_SPEECH = '#e4e7ec';

export class TimelineView {
  private windows: WindowLite[] = [];
  private colours: string[];
  private mode: 'live' | 'file' = 'file';
  private duration = 0;
  private hop = 0.5;
  private scheduled = false;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly classes: readonly string[], legend: HTMLElement) {
    this.colours = emotionColors(classes);
    legend.replaceChildren();
    classes.forEach((c, i) => {
      const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
      swatch.style.background = this.colours[i]!;
      const item = Object.assign(document.createElement('span'), { className: 'item' });
      item.append(swatch, document.createTextNode(c));
      legend.append(item);
    });
    const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
    swatch.style.background = NO_SPEECH;
    const item = Object.assign(document.createElement('span'), { className: 'item' });
    item.append(swatch, document.createTextNode('no speech'));
    legend.append(item);
  }

  reset(mode: 'live' | 'file', duration = 0, hop = 0.5): void {
    this.mode = mode;
    this.windows = [];
    this.duration = duration;
    this.hop = hop;
    this.schedule();
  }

  add(windows: readonly WindowLite[], duration?: number, hop?: number): void {
    this.windows.push(...windows);
    if (duration !== undefined) this.duration = duration;
    if (hop !== undefined) this.hop = hop;
    if (this.windows.length > 0 && this.windows.length >= 2) this.hop = this.windows[1]!.start - this.windows[0]!.start || this.hop;
    this.schedule();
  }

  /** Time the view reaches (the live edge). */
  setEdge(seconds: number): void {
    if (this.mode === 'live') this.duration = Math.max(this.duration, seconds);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  draw(): void {
    const { g, w, h } = prepare(this.canvas);
    const p = plotArea(w, h);
    const live = this.mode === 'live';
    const t1 = live ? Math.max(30, this.duration) : Math.max(this.duration, 1e-3);
    const t0 = live ? t1 - 30 : 0;
    const x = (t: number): number => p.x0 + ((t - t0) / (t1 - t0)) * p.pw;
    g.strokeStyle = '#eef0f4';
    g.fillStyle = INK;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const v of [0, 0.5, 1]) {
      const y = p.y0 + (1 - v) * p.ph;
      g.beginPath();
      g.moveTo(p.x0, y);
      g.lineTo(p.x0 + p.pw, y);
      g.stroke();
      g.fillText(String(v), p.x0 - 6, y);
    }
    for (const win of this.windows) {
      const c = (win.start + win.end) / 2;
      const a = Math.max(p.x0, x(c - this.hop / 2));
      const b = Math.min(p.x0 + p.pw, x(c + this.hop / 2));
      if (b <= a) continue;
      if (!win.speech || !win.p) {
        g.fillStyle = NO_SPEECH;
        g.fillRect(a, p.y0, b - a, p.ph);
        continue;
      }
      let y = p.y0 + p.ph;
      win.p.forEach((v, k) => {
        const hk = v * p.ph;
        g.fillStyle = this.colours[k]!;
        g.fillRect(a, y - hk, Math.max(0.5, b - a), hk);
        y -= hk;
      });
    }
    timeAxis(g, p, t0, t1);
    g.save();
    g.translate(12, p.y0 + p.ph / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'center';
    g.fillStyle = INK;
    g.fillText('probability', 0, 0);
    g.restore();
  }
}

/** Scrolling waveform and mel spectrogram of the live microphone (the last `seconds`). */
export class LiveScope {
  private wave: number[] = [];
  private waveRate = 100;
  private waveEnd = 0;
  private mel: Float32Array[] = [];
  private melRate = 1;
  private melRows = 64;
  private melEnd = 0;
  private peakDb = -200;
  private scheduled = false;

  constructor(private readonly waveCanvas: HTMLCanvasElement, private readonly specCanvas: HTMLCanvasElement, private readonly seconds = 8) {}

  reset(): void {
    this.wave = [];
    this.mel = [];
    this.waveEnd = 0;
    this.melEnd = 0;
    this.peakDb = -200;
  }

  add(u: { wave: Float32Array; waveRate: number; waveFrom: number; mel: Float32Array; melRows: number; melRate: number; melFrom: number }): void {
    this.waveRate = u.waveRate;
    this.melRate = u.melRate;
    this.melRows = u.melRows;
    for (const v of u.wave) this.wave.push(v);
    this.waveEnd = u.waveFrom + u.wave.length / 2;
    const keepWave = 2 * Math.ceil(this.seconds * this.waveRate);
    if (this.wave.length > keepWave) this.wave.splice(0, this.wave.length - keepWave);
    for (let i = 0; i + u.melRows <= u.mel.length; i += u.melRows) {
      const col = u.mel.slice(i, i + u.melRows);
      for (const v of col) if (v > this.peakDb) this.peakDb = v;
      this.mel.push(col);
    }
    this.melEnd = u.melFrom + u.mel.length / u.melRows;
    const keepMel = Math.ceil(this.seconds * this.melRate);
    if (this.mel.length > keepMel) this.mel.splice(0, this.mel.length - keepMel);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        this.draw();
      });
    }
  }

  draw(): void {
    const end = Math.max(this.seconds, this.waveEnd / this.waveRate);
    const start = end - this.seconds;
    {
      const { g, w, h } = prepare(this.waveCanvas);
      const p = plotArea(w, h);
      g.strokeStyle = '#c8cdd5';
      g.beginPath();
      g.moveTo(p.x0, p.y0 + p.ph / 2);
      g.lineTo(p.x0 + p.pw, p.y0 + p.ph / 2);
      g.stroke();
      g.fillStyle = '#3056d3';
      const cols = this.wave.length / 2;
      const first = this.waveEnd - cols;
      for (let c = 0; c < cols; c++) {
        const t = (first + c) / this.waveRate;
        if (t < start) continue;
        const xx = p.x0 + ((t - start) / this.seconds) * p.pw;
        const lo = Math.max(-1, this.wave[2 * c]!);
        const hi = Math.min(1, this.wave[2 * c + 1]!);
        const yHi = p.y0 + ((1 - hi) / 2) * p.ph;
        const yLo = p.y0 + ((1 - lo) / 2) * p.ph;
        g.fillRect(xx, yHi, Math.max(1, p.pw / (this.seconds * this.waveRate)), Math.max(1, yLo - yHi));
      }
      timeAxis(g, p, start, end);
    }
    {
      const { g, w, h } = prepare(this.specCanvas);
      const p = plotArea(w, h);
      const cols = this.mel.length;
      if (cols > 0) {
        const rows = this.melRows;
        // dB re the loudest frame so far, row-major [rows × cols] as matrixToRgba wants it.
        const db = new Float32Array(rows * cols);
        for (let t = 0; t < cols; t++) {
          const col = this.mel[t]!;
          for (let m = 0; m < rows; m++) db[m * cols + t] = col[m]! - this.peakDb;
        }
        const { rgba, width, height } = matrixToRgba(db, rows, cols, DB_COLOURS);
        const bitmap = rasterCanvas(rgba, width, height);
        g.imageSmoothingEnabled = false;
        const firstT = (this.melEnd - cols) / this.melRate;
        const xa = p.x0 + ((firstT - start) / this.seconds) * p.pw;
        const xb = p.x0 + ((this.melEnd / this.melRate - start) / this.seconds) * p.pw;
        g.save();
        g.beginPath();
        g.rect(p.x0, p.y0, p.pw, p.ph);
        g.clip();
        g.drawImage(bitmap, xa, p.y0, xb - xa, p.ph);
        g.restore();
      }
      timeAxis(g, p, start, end);
    }
  }
}
