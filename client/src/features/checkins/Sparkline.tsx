/** A tiny line of 0–10 scores, oldest left; decorative (the numbers are given as text beside it). */
export function Sparkline({ values, className }: { values: number[]; className?: string }) {
  const w = 64;
  const h = 20;
  if (values.length < 2) return null;
  const step = w / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / 10) * (h - 4)).toFixed(1)}`).join(' ');
  return (
    <svg className={`sparkline ${className ?? ''}`} width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true" focusable="false">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

/** "↑2", "↓3" or "=" against the previous score, with words for screen readers. */
export function change(now: number, before: number | undefined): { symbol: string; words: string } {
  if (before === undefined) return { symbol: '', words: 'first check-in' };
  const d = now - before;
  if (d === 0) return { symbol: '=', words: 'same as last time' };
  return d > 0 ? { symbol: `↑${d}`, words: `up ${d} from last time` } : { symbol: `↓${-d}`, words: `down ${-d} from last time` };
}
