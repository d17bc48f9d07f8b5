// Metric timelines with uPlot: one small chart per question, signal markers as dashed
// vertical lines, and the map's current week as a solid one.

import uPlot from '../vendor/uplot.esm.min.js';

const PALETTE = ['#1d4ed8', '#b45309', '#0f766e', '#9d174d'];
const SIGNAL_COLOR = '#dc2626';
const CURSOR_COLOR = '#f59e0b';

/**
 * A timeline chart.
 * @param {HTMLElement} container
 * @param {{title: string, xs: number[], series: {label: string, values: (number|null)[]}[],
 *          markers: {t: number, label: string}[], digits?: number, xLabel?: string}} spec
 *          xs in epoch seconds; xLabel names a step in the legend (default 'week')
 */
export function timelineChart(container, spec) {
  const state = {cursor: null};
  const markersPlugin = {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        const {top, height} = u.bbox;
        ctx.save();
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (const marker of spec.markers) {
          const x = Math.round(u.valToPos(marker.t, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = SIGNAL_COLOR;
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = SIGNAL_COLOR;
          ctx.beginPath();
          ctx.moveTo(x - 5 * devicePixelRatio, top);
          ctx.lineTo(x + 5 * devicePixelRatio, top);
          ctx.lineTo(x, top + 7 * devicePixelRatio);
          ctx.fill();
        }
        if (state.cursor !== null) {
          const x = Math.round(u.valToPos(state.cursor, 'x', true));
          ctx.strokeStyle = CURSOR_COLOR;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
  const digits = spec.digits ?? 2;
  const opts = {
    width: Math.max(280, container.clientWidth),
    height: 170,
    plugins: [markersPlugin],
    legend: {live: true},
    cursor: {drag: {x: false, y: false}},
    scales: {x: {time: true}},
    axes: [{stroke: '#52606d', grid: {stroke: '#eef1f4'}},
      {stroke: '#52606d', grid: {stroke: '#eef1f4'}, size: 48,
        // Counts get whole-number ticks only.
        incrs: digits === 0 ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] : undefined,
        values: (u, ticks) => ticks.map((v) => Number(v.toFixed(digits)))}],
    series: [{label: spec.xLabel ?? 'week'}, ...spec.series.map((s, i) => ({
      label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true,
      value: (u, v) => (v === null || v === undefined ? '–' : v.toFixed(digits)),
    }))],
  };
  const plot = new uPlot(opts, [spec.xs, ...spec.series.map((s) => s.values)], container);
  const resize = new ResizeObserver(() => {
    const width = Math.max(280, container.clientWidth);
    if (Math.abs(width - plot.width) > 4) plot.setSize({width, height: 170});
  });
  resize.observe(container);
  return {
    setCursor(t) {
      state.cursor = t;
      plot.redraw(false);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
