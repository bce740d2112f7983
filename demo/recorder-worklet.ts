/**
 * AudioWorklet processor for the microphone: forwards the raw mono PCM (channel 0) in blocks of
 * BLOCK frames to the MessagePort the page hands it (the analysis worker's end of a channel), so
 * samples go from the audio thread straight to the worker, never through the page's main thread.
 * Raw PCM rather than MediaRecorder, so what is analysed is not a lossy Opus round trip.
 */
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

/** Frames per message: 1024 (~21 ms at 48 kHz) instead of one message per 128-frame render quantum. */
const BLOCK = 1024;

class PcmRecorder extends AudioWorkletProcessor {
  private out: MessagePort | null = null;
  private block = new Float32Array(BLOCK);
  private fill = 0;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<{ port?: MessagePort }>) => {
      if (e.data?.port) this.out = e.data.port;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel || channel.length === 0 || !this.out) return true;
    // The render buffer is reused by the engine: copy out of it.
    for (let i = 0; i < channel.length; ) {
      const take = Math.min(channel.length - i, BLOCK - this.fill);
      this.block.set(channel.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      if (this.fill === BLOCK) {
        this.out.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(BLOCK);
        this.fill = 0;
      }
    }
    return true;
  }
}

registerProcessor('pcm-recorder', PcmRecorder);
