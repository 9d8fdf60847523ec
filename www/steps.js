// How many training iterations a frame queues. Pure arithmetic, so that it
// can be tested without a GPU or a page.

// GPU time a frame may spend training when steps per frame is "auto".
export const FRAME_BUDGET_MS = 12;
export const MAX_STEPS_PER_FRAME = 2000;

// setting: a fixed count, or 'auto'.
// backlog: iterations queued on the GPU that have not completed yet.
// msPerIteration: the measured GPU time of one iteration (undefined until
//   the engine has measured one).
// previous: the auto target of the last frame (start from 1).
// Returns the iterations to queue now and the auto target to show and to
// pass back as `previous` next frame (unchanged when it is not updated).
//
// Auto aims at as many iterations as fit the budget. None are queued
// while the GPU is more than two frames behind (four for a fixed count),
// so a slow GPU never builds a queue.
export function chooseSteps({ setting, backlog, msPerIteration, previous }) {
  if (setting !== 'auto') {
    return { steps: backlog > 4 * setting ? 0 : setting, target: previous };
  }
  // Nothing measured yet: one iteration at a time until there is a figure.
  if (msPerIteration === undefined) return { steps: backlog > 0 ? 0 : 1, target: previous };
  const ideal = Math.max(1, Math.min(MAX_STEPS_PER_FRAME, Math.floor(FRAME_BUDGET_MS / msPerIteration)));
  // Move towards the ideal gradually: measurements are noisy.
  const target = Math.max(1, Math.round(0.7 * previous + 0.3 * ideal));
  return { steps: backlog > 2 * target ? 0 : target, target };
}
