/** The rows a virtualised list renders: those in view plus `overscan` on each side. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): { start: number; end: number } {
  if (count <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + inView + overscan);
  return { start, end };
}

/** Whether the list is scrolled close enough to its end to load the next page. */
export function nearEnd(scrollTop: number, viewport: number, rowHeight: number, count: number, threshold = 20): boolean {
  return scrollTop + viewport >= (count - threshold) * rowHeight;
}
