// The embedding example's two demos: one mounted from JavaScript, one a
// <gan-demo> element (defined by importing embed.js).
import { mountGanDemo } from './embed.js';

window.demos = [
  mountGanDemo(document.getElementById('first'), { dataset: 'ring8', config: { seed: 1 } }),
  document.getElementById('second'),
];
