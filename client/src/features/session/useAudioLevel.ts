import { useEffect, useState } from 'react';

/** How long after the meter goes away its audio graph is closed. */
const CLOSE_AFTER_MS = 2_000;

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
    let shown = 0;
    // A timer, not requestAnimationFrame: a frame callback makes the browser run its whole
    // frame pipeline (style, layout, paint, compositing) at 60 Hz while the page is open, which
    // on a weak laptop takes CPU from the camera and, on joining, from the room's first picture.
    const sample = () => {
      if (document.hidden) return;
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
    const timer = setInterval(sample, 80);
    // Autoplay rules may start the context suspended; the next click or key press wakes it.
    const resume = () => void context.resume().catch(() => undefined);
    window.addEventListener('pointerdown', resume, { capture: true });
    window.addEventListener('keydown', resume, { capture: true });
    return () => {
      clearInterval(timer);
      window.removeEventListener('pointerdown', resume, { capture: true });
      window.removeEventListener('keydown', resume, { capture: true });
      // Closing the audio graph is not free: not in the commit that leaves the page (entering the
      // room, whose first picture waits for that commit), a moment later.
      setTimeout(() => {
        source.disconnect();
        void context.close().catch(() => undefined);
      }, CLOSE_AFTER_MS);
    };
  }, [track, active]);

  return level;
}
