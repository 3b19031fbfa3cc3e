import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { toColumns, type Point } from '../lib/live';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

/** A time-series line chart (uPlot); `times` in seconds since the epoch. Resizes with its box. */
export function LineChart({
  title,
  times,
  series,
  format,
  minMax = 1,
  collecting = 'Collecting… the first points appear within a minute (this page samples the server while it is open).',
}: {
  title: string;
  times: number[];
  series: Series[];
  format?: (v: number) => string;
  /** The top of the y axis while every value is 0. */
  minMax?: number;
  /** What shows until there are two points to draw a line between. */
  collecting?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 200,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : format ? format(v) : String(v)),
          })),
        ],
        axes: [{}, { size: 70, values: (_u: uPlot, vals: number[]) => vals.map((v) => (format ? format(v) : String(v))) }],
        scales: { y: { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.15 : minMax] } },
        legend: { show: true },
      },
      [times, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: 200 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [times, series, format, minMax]);
  return (
    <figure className="panel" style={{ margin: 0 }}>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      {times.length < 2 ? (
        <p className="chart-collecting muted" role="status">
          {collecting}
        </p>
      ) : (
        <div className="chart" ref={box} role="img" aria-label={`${title} over time`} />
      )}
    </figure>
  );
}

/** A chart of merged points (stored history + live samples): one line per series spec. */
export function PointsChart({
  title,
  points,
  series,
  format,
  minMax,
  collecting,
}: {
  title: string;
  collecting?: string;
  points: Point[];
  series: { label: string; color: string }[];
  format?: (v: number) => string;
  minMax?: number;
}) {
  const cols = useMemo(() => {
    const c = toColumns(points, series.length);
    return { times: c.times, series: series.map((s, i) => ({ ...s, values: c.values[i] })) };
  }, [points, series]);
  return <LineChart title={title} times={cols.times} series={cols.series} format={format} minMax={minMax} collecting={collecting} />;
}
