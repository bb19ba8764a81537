/** Hearth's mark: a small flame in a rounded square. Decorative; the wordmark carries the name. */
export function HearthMark({ size = 32 }: { size?: number }) {
  return (
    <svg className="hearth-mark" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--color-primary)" />
      <path
        d="M16 7c3 4 6 6.5 6 11a6 6 0 0 1-12 0c0-2.6 1.3-4.3 3-5.5-.2 2 .6 3.3 1.8 3.8C14 12.7 14.6 9.6 16 7z"
        fill="var(--color-surface)"
      />
    </svg>
  );
}
