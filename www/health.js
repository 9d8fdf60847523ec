// Whether training has gone where it cannot come back from, read from the
// stats history. Pure, so it is tested without a GPU or a page.

// A discriminator that has won outright: its loss near 0 while the
// generator's is huge (the generator then gets no useful gradient), for
// this many iterations in a row. Learning rates of 1 reach it within a
// few hundred iterations on the 2-D presets.
export const DISC_WON = { discLoss: 1e-3, genLoss: 50, iterations: 100 };
// Losses this large mean logits in the hundreds: not a state to save as
// "good" even when it is not (yet) a lost cause.
const LOSS_CEILING = 100;
// A state is fit to save after this many sound iterations in a row, so
// that a calm moment between spikes is not taken for a good state.
export const CALM_ITERATIONS = 20;

// history: flat fives [iteration, discLoss, genLoss, discReal, discFake, …]
// as `trainer.takeHistory()` gives them; `runs` carries over between calls:
// { streak } of D-won and { calm } of sound iterations. Returns the runs,
// whether the state is fit to save, and the first problem:
// { iteration, reason } or null.
export function checkHealth(history, { streak = 0, calm = 0 } = {}) {
  for (let i = 0; i + 4 < history.length; i += 5) {
    const [iteration, discLoss, genLoss, discReal, discFake] = history.slice(i, i + 5);
    if (![discLoss, genLoss, discReal, discFake].every(Number.isFinite)) {
      const problem = { iteration, reason: 'a loss became NaN or infinite' };
      return { streak, calm: 0, healthy: false, problem };
    }
    const won = discLoss < DISC_WON.discLoss && genLoss > DISC_WON.genLoss;
    streak = won ? streak + 1 : 0;
    if (streak >= DISC_WON.iterations) {
      const reason =
        `the discriminator has won outright (D loss under ${DISC_WON.discLoss}, G loss over ` +
        `${DISC_WON.genLoss} for ${DISC_WON.iterations} iterations), so the generator learns nothing`;
      return { streak, calm: 0, healthy: false, problem: { iteration, reason } };
    }
    const sound = !won && discLoss < LOSS_CEILING && genLoss < LOSS_CEILING;
    calm = sound ? calm + 1 : 0;
  }
  return { streak, calm, healthy: calm >= CALM_ITERATIONS, problem: null };
}
