// Embedding: mount a demo in any element, or write <gan-demo>. Every demo
// on a page shares the one wasm engine and with it one GPU device.
//
//   import { mountGanDemo } from './www/embed.js';
//   const demo = mountGanDemo(document.querySelector('#here'), {
//     dataset: 'ring8', config: { seed: 3 }, controls: false, autoplay: true,
//   });
//   // later: demo.destroy();
//
//   <script type="module" src="./www/embed.js"></script>
//   <gan-demo dataset="grid25" controls="0" steps="auto"></gan-demo>

import { GanDemo } from './demo.js';
import { MODEL_KEYS, VIEW_FIELDS } from './state.js';

const STYLESHEETS = ['./style.css', './vendor/uPlot.min.css'];

// The demo's own styles, added once to the page that embeds it.
function ensureStyles() {
  for (const sheet of STYLESHEETS) {
    const href = new URL(sheet, import.meta.url).href;
    if (![...document.styleSheets].some((s) => s.href === href) && !document.querySelector(`link[href="${href}"]`)) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      document.head.append(link);
    }
  }
}

// options: dataset, config (engine config fields), steps ('auto' or a
// number), heatmap, arrows, controls, autoplay (booleans), urlState (read
// and write the page's URL hash; for a whole-page demo), link (settings as
// a link writes them, e.g. 'dataset=grid25&lrG=0.0003': checked like a
// link once the engine has loaded, bad ones reported; the other options
// override it).
export function mountGanDemo(element, options = {}) {
  ensureStyles();
  const { config = {}, dataset, urlState = false, link, ...rest } = options;
  const model = { ...config };
  if (dataset) model.dataset = dataset;
  const view = {};
  for (const spec of VIEW_FIELDS) if (rest[spec.key] !== undefined) view[spec.key] = rest[spec.key];
  return new GanDemo(element, {
    model,
    view,
    urlState,
    link,
    keyboard: urlState ? 'document' : 'element',
    linkBase: new URL('../index.html', import.meta.url).href,
  });
}

// <gan-demo> takes the same keys as a link: dataset, seed, batch, lrG, lrD,
// dSteps, latent, gHidden, dHidden, smooth, act, slope, b1, b2, eps,
// samples, steps, heatmap, arrows, controls, autoplay. They are checked
// like a link's once the engine has loaded (a bad one is reported and
// left at its default).
class GanDemoElement extends HTMLElement {
  connectedCallback() {
    if (this.demo) return;
    const keys = [...Object.values(MODEL_KEYS), ...VIEW_FIELDS.map((s) => s.key)];
    const params = new URLSearchParams();
    for (const key of keys) {
      const value = this.getAttribute(key) ?? this.getAttribute(key.toLowerCase());
      if (value !== null) params.set(key, value);
    }
    this.demo = mountGanDemo(this, { link: params.toString() });
  }

  disconnectedCallback() {
    this.demo?.destroy();
    this.demo = null;
  }
}

if (!customElements.get('gan-demo')) customElements.define('gan-demo', GanDemoElement);
