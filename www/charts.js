// Live charts of the training statistics, drawn with uPlot (a small,
// fast canvas chart library from npm, vendored at build time: no CDN).
// Long runs are thinned by keeping every other point, so a chart never
// holds more than MAX_POINTS points whatever the iteration count.

import uPlot from './vendor/uPlot.esm.js';

const MAX_POINTS = 3000;

export class StatsCharts {
  constructor(lossElement, discElement) {
    this.columns = { iteration: [], discLoss: [], genLoss: [], discReal: [], discFake: [] };
    this.stride = 1;
    this.pending = 0;
    const common = (title, series, range) => ({
      title,
      width: 320,
      height: 170,
      legend: { live: false },
      cursor: { show: false },
      scales: { x: { time: false }, ...(range ? { y: { range } } : {}) },
      axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, size: 44 }],
      series: [{}, ...series],
    });
    this.loss = new uPlot(common('loss', [
      { label: 'D loss', stroke: '#7c3aed', width: 1.5 },
      { label: 'G loss', stroke: '#ea580c', width: 1.5 },
    ]), [[], [], []], lossElement);
    this.disc = new uPlot(common('discriminator output', [
      { label: 'D(x)', stroke: '#2563eb', width: 1.5 },
      { label: 'D(G(z))', stroke: '#ea580c', width: 1.5 },
    ], [0, 1]), [[], [], []], discElement);
  }

  // Appends the flat [iteration, discLoss, genLoss, discReal, discFake, …]
  // history the engine hands out.
  append(history) {
    const c = this.columns;
    for (let i = 0; i < history.length; i += 5) {
      this.pending += 1;
      if (this.pending < this.stride) continue;
      this.pending = 0;
      c.iteration.push(history[i]);
      c.discLoss.push(history[i + 1]);
      c.genLoss.push(history[i + 2]);
      c.discReal.push(history[i + 3]);
      c.discFake.push(history[i + 4]);
    }
    if (c.iteration.length > MAX_POINTS) {
      for (const key of Object.keys(c)) c[key] = c[key].filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  render() {
    const c = this.columns;
    this.loss.setData([c.iteration, c.discLoss, c.genLoss]);
    this.disc.setData([c.iteration, c.discReal, c.discFake]);
  }

  resize(width) {
    for (const chart of [this.loss, this.disc]) chart.setSize({ width, height: 170 });
  }

  clear() {
    for (const key of Object.keys(this.columns)) this.columns[key] = [];
    this.stride = 1;
    this.pending = 0;
    this.render();
  }

  destroy() {
    this.loss.destroy();
    this.disc.destroy();
  }
}
