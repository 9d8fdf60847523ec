// The demo page (index.html): one demo that reads and writes its link.
// A file of its own, not an inline script, so that the page's
// Content-Security-Policy can forbid inline code.
import { mountGanDemo } from './embed.js';

window.ganDemo = mountGanDemo(document.getElementById('demo'), { urlState: true });
