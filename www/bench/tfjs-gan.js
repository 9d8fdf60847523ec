// The reference MLP GAN written for TensorFlow.js, for the benchmark: the
// same model, losses, optimiser and data as the engine's default.
//   G 100 → 256 → 512 → 1024 → 784, LeakyReLU(0.2), tanh output
//   D 784 → 1024 → 512 → 256 → 1 logit, LeakyReLU(0.2)
//   L_D = mean softplus(−D(x)) + mean softplus(D(G(z))), L_G = mean softplus(−D(G(z)))
//   Adam(2e-4, 0.5, 0.999, 1e-8) per network; W and b uniform in ±1/√fan_in
// One iteration = one D update then one G update, each on fresh noise; the
// real batch is sampled on the CPU from the MNIST bytes, the way a TF.js
// program would feed it.

const GEN_WIDTHS = [100, 256, 512, 1024, 784];
const DISC_WIDTHS = [784, 1024, 512, 256, 1];
const PIXELS = 784;

export function createTfjsGan(tf, images, { batch = 64, seed = 1 } = {}) {
  const count = new DataView(images.buffer, images.byteOffset).getUint32(4);
  const layers = (widths) =>
    widths.slice(0, -1).map((inputs, i) => {
      const outputs = widths[i + 1];
      const bound = 1 / Math.sqrt(inputs);
      return {
        w: tf.variable(tf.randomUniform([inputs, outputs], -bound, bound, 'float32', seed + 2 * i)),
        b: tf.variable(tf.randomUniform([outputs], -bound, bound, 'float32', seed + 2 * i + 1)),
      };
    });
  const gen = layers(GEN_WIDTHS);
  const disc = layers(DISC_WIDTHS);
  const run = (net, x, output) =>
    net.reduce((h, layer, i) => {
      const y = tf.add(tf.matMul(h, layer.w), layer.b);
      return i < net.length - 1 ? tf.leakyRelu(y, 0.2) : output(y);
    }, x);
  const G = (z) => run(gen, z, tf.tanh);
  const D = (x) => run(disc, x, (y) => y);
  const variables = (net) => net.flatMap((layer) => [layer.w, layer.b]);
  const discVars = variables(disc);
  const genVars = variables(gen);
  const discOpt = tf.train.adam(2e-4, 0.5, 0.999, 1e-8);
  const genOpt = tf.train.adam(2e-4, 0.5, 0.999, 1e-8);
  const realBatch = new Float32Array(batch * PIXELS);
  let state = seed >>> 0;
  const random = () => {
    // xorshift32: a fixed, fast sequence of image indices.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };

  return {
    iteration() {
      for (let r = 0; r < batch; r++) {
        const index = Math.floor(random() * count);
        const pixels = images.subarray(16 + index * PIXELS, 16 + (index + 1) * PIXELS);
        for (let p = 0; p < PIXELS; p++) realBatch[r * PIXELS + p] = pixels[p] / 127.5 - 1;
      }
      tf.tidy(() => {
        const real = tf.tensor2d(realBatch, [batch, PIXELS]);
        const z = tf.randomNormal([batch, GEN_WIDTHS[0]]);
        discOpt.minimize(
          () => tf.add(tf.mean(tf.softplus(tf.neg(D(real)))), tf.mean(tf.softplus(D(G(z))))),
          false,
          discVars,
        );
        const z2 = tf.randomNormal([batch, GEN_WIDTHS[0]]);
        genOpt.minimize(() => tf.mean(tf.softplus(tf.neg(D(G(z2))))), false, genVars);
      });
    },
    // Resolves once every queued iteration has finished on the device: the
    // last layer's bias is the generator update's final write.
    async sync() {
      await gen[gen.length - 1].b.data();
    },
    dispose() {
      for (const v of [...discVars, ...genVars]) v.dispose();
      discOpt.dispose();
      genOpt.dispose();
    },
  };
}
