/**
 * The page's side of the worker protocol (protocol.ts): starts demo/worker.ts and sends it
 * requests; every reply goes to the one handler the page registers. Bench requests are
 * answered through a promise (bench/timeline.ts --browser calls them from outside the page).
 */
import type { BenchResult, WorkerReply, WorkerRequest } from './protocol.js';

export class AnalyserClient {
  private readonly worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  private nextId = 1;
  private benchWaiter: ((r: BenchResult) => void) | undefined;

  /** `onReply` gets every reply except bench results; `onCrash` an uncaught error inside the worker. */
  constructor(onReply: (msg: Exclude<WorkerReply, BenchResult>) => void, onCrash: (message: string) => void) {
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const msg = event.data;
      if (msg.type === 'bench-result') {
        this.benchWaiter?.(msg);
        this.benchWaiter = undefined;
      } else {
        onReply(msg);
      }
    };
    this.worker.onerror = (event) => onCrash(event.message);
  }

  /** Sends WAV bytes (transferred) for analysis, and for its whole timeline when `timeline`; returns the request id. */
  analyse(name: string, bytes: ArrayBuffer, timeline: boolean): number {
    const id = this.nextId++;
    this.send({ type: 'analyse', id, name, bytes, timeline }, [bytes]);
    return id;
  }

  /** The microphone's samples arrive on `port` (from the recorder worklet) at `sampleRate`. */
  startLive(port: MessagePort, sampleRate: number): void {
    this.send({ type: 'live-start', port, sampleRate }, [port]);
  }

  stopLive(): void {
    this.send({ type: 'live-stop' });
  }

  /** Times n timeline windows (features + one model call each) in the worker. */
  bench(n: number): Promise<{ windows: number; featuresMs: number[]; predictMs: number[] }> {
    return new Promise((resolve) => {
      this.benchWaiter = resolve;
      this.send({ type: 'bench', n });
    });
  }

  private send(request: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(request, transfer);
  }
}
