import { useEffect, useState } from 'react';

/**
 * The microphone's loudness (0…1), for the pre-join level meter. Updates a
 * dozen times a second at most; 0 where Web Audio is missing (tests, old browsers).
 */
export function useAudioLevel(stream: MediaStream | null, active = true): number {
  const [level, setLevel] = useState(0);
  const track = stream?.getAudioTracks()[0] ?? null;

  useEffect(() => {
    setLevel(0);
    const AudioContextClass = typeof window !== 'undefined' ? window.AudioContext : undefined;
    if (!track || !active || !AudioContextClass) return;
    const context = new AudioContextClass();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    let last = 0;
    let shown = 0;
    const tick = (time: number) => {
      frame = requestAnimationFrame(tick);
      if (time - last < 80) return;
      last = time;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // RMS of speech sits around 0.02–0.2; stretch it so talking fills most of the bar.
      const next = track.enabled ? Math.min(1, Math.sqrt(sum / samples.length) * 5) : 0;
      if (Math.abs(next - shown) > 0.02) {
        shown = next;
        setLevel(next);
      }
    };
    frame = requestAnimationFrame(tick);
    // Autoplay rules may start the context suspended; the next click or key press wakes it.
    const resume = () => void context.resume().catch(() => undefined);
    window.addEventListener('pointerdown', resume, { capture: true });
    window.addEventListener('keydown', resume, { capture: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('pointerdown', resume, { capture: true });
      window.removeEventListener('keydown', resume, { capture: true });
      source.disconnect();
      void context.close().catch(() => undefined);
    };
  }, [track, active]);

  return level;
}
