/**
 * AudioWorklet processor for microphone recording: forwards the raw mono PCM of every render
 * quantum (128 frames, channel 0) to the page, which concatenates it and encodes a WAV. Raw
 * PCM rather than MediaRecorder, so what is analysed is not a lossy Opus round trip.
 */
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

class PcmRecorder extends AudioWorkletProcessor {
  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    // The render buffer is reused by the engine: send a copy.
    if (channel && channel.length > 0) this.port.postMessage(channel.slice());
    return true;
  }
}

registerProcessor('pcm-recorder', PcmRecorder);
