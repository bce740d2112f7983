/**
 * The microphone: an AudioWorklet (recorder-worklet.ts) posts raw mono PCM straight to the
 * analysis worker through a MessageChannel, so samples never pass through the page's thread.
 */
import type { AnalyserClient } from './worker-client.js';

export interface Recording {
  /** Stops the microphone and tells the worker to end the live stream. Idempotent. */
  stop(): void;
}

/** Starts streaming the microphone to the worker; rejects when there is no microphone or permission. */
export async function startRecording(client: AnalyserClient, onStopped: () => void): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const ctx = new AudioContext();
  await ctx.audioWorklet.addModule(new URL('recorder-worklet.js', import.meta.url));
  const source = ctx.createMediaStreamSource(stream);
  const recorder = new AudioWorkletNode(ctx, 'pcm-recorder');
  // The worklet posts its samples straight to the worker through this channel.
  const channel = new MessageChannel();
  recorder.port.postMessage({ port: channel.port1 }, [channel.port1]);
  client.startLive(channel.port2, ctx.sampleRate);
  const mute = ctx.createGain();
  mute.gain.value = 0; // the graph must reach the destination to be processed; keep it silent
  source.connect(recorder).connect(mute).connect(ctx.destination);

  let stopped = false;
  return {
    stop(): void {
      if (stopped) return;
      stopped = true;
      stream.getTracks().forEach((t) => t.stop());
      recorder.disconnect();
      void ctx.close();
      client.stopLive();
      onStopped();
    },
  };
}
