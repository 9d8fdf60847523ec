//! The GAN on the CPU, written plainly: the reference the GPU trainer is
//! judged by. Layers are explicit loops (not the GEMM twin), so a wrong
//! offset or transpose in the GPU programs shows up as a mismatch. Random
//! draws, the loss and Adam use the kernels' twins, so with the same seed
//! the two trainers see the same numbers. Generic over the float type: f64
//! makes it exact enough to check gradients by finite differences.

use crate::config::Config;
use crate::cpu::activation::{activate, activation_grad};
use crate::cpu::adam::adam;
use crate::cpu::dropout::dropout;
use crate::cpu::gather::gather;
use crate::cpu::loss::{StatsRow, loss};
use crate::cpu::normal::normals;
use crate::cpu::real::Real;
use crate::data::Dataset;
use crate::gpu::stats::STATS_CAPACITY;
use crate::init::init_params;
use crate::kernels::adam::AdamParams;
use crate::kernels::dropout::DropoutParams;
use crate::kernels::gather::GatherParams;
use crate::kernels::loss::{LOSS_MODE_DISC, LOSS_MODE_GEN, LossParams};
use crate::kernels::normal::RandomParams;
use crate::layout::{LayerShape, NetworkLayout};
use crate::streams::{self, Counter};

/// out (rows × outputs) = act(inp (rows × inputs) · W + b)
pub fn linear_forward<F: Real>(out: &mut [F], inp: &[F], params: &[F], layer: &LayerShape, rows: usize) {
    for r in 0..rows {
        for o in 0..layer.outputs {
            let mut acc = params[layer.bias_index(o)];
            for i in 0..layer.inputs {
                acc += inp[r * layer.inputs + i] * params[layer.weight_index(i, o)];
            }
            out[r * layer.outputs + o] = activate(layer.activation, acc);
        }
    }
}

/// From dy = ∂L/∂(pre-activation output), rows × outputs:
/// dW += inpᵀ · dy and db += Σ_rows dy into `dparams` (the layer's layout),
/// and, if asked, d_inp = dy · Wᵀ (∂L/∂inp, rows × inputs).
pub fn linear_backward<F: Real>(
    d_inp: Option<&mut [F]>,
    dparams: &mut [F],
    dy: &[F],
    inp: &[F],
    params: &[F],
    layer: &LayerShape,
    rows: usize,
) {
    for r in 0..rows {
        for o in 0..layer.outputs {
            let g = dy[r * layer.outputs + o];
            dparams[layer.bias_index(o)] += g;
            for i in 0..layer.inputs {
                dparams[layer.weight_index(i, o)] += inp[r * layer.inputs + i] * g;
            }
        }
    }
    if let Some(d_inp) = d_inp {
        for r in 0..rows {
            for i in 0..layer.inputs {
                let mut acc = F::zero();
                for o in 0..layer.outputs {
                    acc += dy[r * layer.outputs + o] * params[layer.weight_index(i, o)];
                }
                d_inp[r * layer.inputs + i] = acc;
            }
        }
    }
}

/// Activations of every layer of an MLP on `rows` samples.
pub fn mlp_forward<F: Real>(layout: &NetworkLayout, params: &[F], input: &[F], rows: usize) -> Vec<Vec<F>> {
    mlp_forward_masked(layout, params, input, rows, &[])
}

/// `mlp_forward` with hidden layer l's activations multiplied by
/// `masks[l]` (0 where dropped, 1 / (1 − rate) where kept); no masks: none.
pub fn mlp_forward_masked<F: Real>(
    layout: &NetworkLayout,
    params: &[F],
    input: &[F],
    rows: usize,
    masks: &[Vec<F>],
) -> Vec<Vec<F>> {
    let mut acts: Vec<Vec<F>> = Vec::with_capacity(layout.layers.len());
    for (l, layer) in layout.layers.iter().enumerate() {
        let mut out = vec![F::zero(); rows * layer.outputs];
        let inp = if l == 0 { input } else { &acts[l - 1] };
        linear_forward(&mut out, inp, params, layer, rows);
        if let Some(mask) = masks.get(l) {
            out.iter_mut().zip(mask).for_each(|(value, &m)| *value *= m);
        }
        acts.push(out);
    }
    acts
}

/// Backward from ∂L/∂(network output) through every layer: returns the
/// parameter gradient (the network's layout) and ∂L/∂input.
pub fn mlp_backward<F: Real>(
    layout: &NetworkLayout,
    params: &[F],
    input: &[F],
    acts: &[Vec<F>],
    d_output: &[F],
    rows: usize,
) -> (Vec<F>, Vec<F>) {
    mlp_backward_masked(layout, params, input, acts, d_output, rows, &[])
}

/// `mlp_backward` after `mlp_forward_masked` with the same masks.
pub fn mlp_backward_masked<F: Real>(
    layout: &NetworkLayout,
    params: &[F],
    input: &[F],
    acts: &[Vec<F>],
    d_output: &[F],
    rows: usize,
    masks: &[Vec<F>],
) -> (Vec<F>, Vec<F>) {
    let mut dparams = vec![F::zero(); layout.param_count];
    let mut d_act = d_output.to_vec();
    for (l, layer) in layout.layers.iter().enumerate().rev() {
        if let Some(mask) = masks.get(l) {
            d_act.iter_mut().zip(mask).for_each(|(grad, &m)| *grad *= m);
        }
        let dy: Vec<F> = d_act
            .iter()
            .zip(&acts[l])
            .map(|(&g, &a)| g * activation_grad(layer.activation, a))
            .collect();
        let inp = if l == 0 { input } else { &acts[l - 1] };
        let mut d_inp = vec![F::zero(); rows * layer.inputs];
        linear_backward(Some(&mut d_inp), &mut dparams, &dy, inp, params, layer, rows);
        d_act = d_inp;
    }
    (dparams, d_act)
}

/// The R1 penalty γ/(2·rows) Σ_r |∇ₓD(x_r)|² of `rows` inputs and its
/// gradient with respect to D's parameters, given the forward pass's
/// activations of those rows (`acts`, dropped where `masks` say). With
/// piecewise-linear hidden activations and fixed masks, ∇ₓD is linear in
/// each layer's weights: the gradient comes from pushing ∇ₓD forward
/// through the layers again (a "tangent" e) and pairing it with the
/// backward pass's u: ∂R/∂W_l = (γ/rows) · e_lᵀ u_l; biases get none.
pub fn r1_penalty<F: Real>(
    layout: &NetworkLayout,
    params: &[F],
    acts: &[Vec<F>],
    masks: &[Vec<F>],
    rows: usize,
    gamma: F,
) -> (F, Vec<F>) {
    let last = layout.layers.len() - 1;
    // u[l] = ∂D/∂(pre-activation of layer l), rows × outputs.
    let mut u: Vec<Vec<F>> = vec![Vec::new(); layout.layers.len()];
    u[last] = vec![F::one(); rows];
    let mut g = Vec::new();
    for (l, layer) in layout.layers.iter().enumerate().rev() {
        let mut d_in = vec![F::zero(); rows * layer.inputs];
        for r in 0..rows {
            for i in 0..layer.inputs {
                let mut acc = F::zero();
                for o in 0..layer.outputs {
                    acc += u[l][r * layer.outputs + o] * params[layer.weight_index(i, o)];
                }
                d_in[r * layer.inputs + i] = acc;
            }
        }
        if l == 0 {
            g = d_in;
        } else {
            let below = &layout.layers[l - 1];
            for (index, value) in d_in.iter_mut().enumerate() {
                *value *= activation_grad(below.activation, acts[l - 1][index]);
                if let Some(mask) = masks.get(l - 1) {
                    *value *= mask[index];
                }
            }
            u[l - 1] = d_in;
        }
    }
    let scale = gamma / F::lit(rows as f64);
    let penalty = g.iter().fold(F::zero(), |sum, &v| sum + v * v) * scale * F::lit(0.5);
    let mut grads = vec![F::zero(); layout.param_count];
    let mut e = g;
    for (l, layer) in layout.layers.iter().enumerate() {
        for r in 0..rows {
            for i in 0..layer.inputs {
                for o in 0..layer.outputs {
                    grads[layer.weight_index(i, o)] +=
                        scale * e[r * layer.inputs + i] * u[l][r * layer.outputs + o];
                }
            }
        }
        if l < last {
            let mut next = vec![F::zero(); rows * layer.outputs];
            for r in 0..rows {
                for o in 0..layer.outputs {
                    let mut acc = F::zero();
                    for i in 0..layer.inputs {
                        acc += e[r * layer.inputs + i] * params[layer.weight_index(i, o)];
                    }
                    let index = r * layer.outputs + o;
                    acc *= activation_grad(layer.activation, acts[l][index]);
                    if let Some(mask) = masks.get(l) {
                        acc *= mask[index];
                    }
                    next[index] = acc;
                }
            }
            e = next;
        }
    }
    (penalty, grads)
}

/// Loss and gradient of one update, for the trainer and for gradient checks.
pub struct Objective<F> {
    pub loss: F,
    pub grads: Vec<F>,
    pub stats: StatsRow<F>,
}

pub struct ReferenceGan<F: Real> {
    pub config: Config,
    pub gen_layout: NetworkLayout,
    pub disc_layout: NetworkLayout,
    pub gen_params: Vec<F>,
    pub disc_params: Vec<F>,
    gen_adam: [Vec<F>; 2],
    disc_adam: [Vec<F>; 2],
    /// [iteration, disc updates, gen updates, 0], as on the GPU.
    pub counters: [u32; 4],
    /// One row per iteration, as the GPU's stats ring.
    pub stats: Vec<StatsRow<F>>,
    dataset: Dataset,
}

impl<F: Real> ReferenceGan<F> {
    /// Same initial parameters as the GPU trainer for the same config.
    pub fn new(config: Config, dataset: Dataset) -> ReferenceGan<F> {
        let gen_layout = config.gen_layout();
        let disc_layout = config.disc_layout();
        let gen_params = convert_init(&gen_layout, config.seed, streams::INIT_GEN);
        let disc_params = convert_init(&disc_layout, config.seed, streams::INIT_DISC);
        let zeros = |n: usize| [vec![F::zero(); n], vec![F::zero(); n]];
        ReferenceGan {
            gen_adam: zeros(gen_layout.param_count),
            disc_adam: zeros(disc_layout.param_count),
            gen_params,
            disc_params,
            gen_layout,
            disc_layout,
            config,
            counters: [0; 4],
            stats: vec![StatsRow::default(); STATS_CAPACITY as usize],
            dataset,
        }
    }

    fn batch(&self) -> usize {
        self.config.batch_size as usize
    }

    /// Samples per update on each side: B packs of `pack`.
    fn sample_rows(&self) -> usize {
        self.config.sample_rows()
    }

    /// Latent noise of the next update of `counter`'s network.
    pub fn latent(&self, stream: u32, counter: Counter) -> Vec<F> {
        normals(
            self.config.seed,
            stream,
            self.counters[counter as usize],
            self.sample_rows() * self.config.latent_size as usize,
        )
    }

    /// The real batch of the next discriminator update.
    pub fn real_batch(&self) -> Vec<F> {
        let params = GatherParams {
            random: RandomParams {
                seed: self.config.seed,
                stream: streams::REAL_BATCH,
                counter: Counter::DiscUpdates as u32,
                counter_offset: 0,
            },
            rows: self.sample_rows() as u32,
            row_len: self.dataset.row_len as u32,
            dataset_rows: self.dataset.rows as u32,
            out_offset: 0,
            out_stride: self.dataset.row_len as u32,
            _pad: [0; 3],
        };
        let mut out = vec![F::zero(); self.sample_rows() * self.dataset.row_len];
        gather(&params, &self.counters, &self.dataset.values, &mut out);
        out
    }

    /// L_D and ∂L_D/∂disc_params for latent `z` and real batch `real`.
    /// With packing, D's B rows are each `pack` consecutive samples: the
    /// same values, read `pack` times wider.
    pub fn disc_objective(&self, gen_params: &[F], disc_params: &[F], z: &[F], real: &[F]) -> Objective<F> {
        let b = self.batch();
        let fake = mlp_forward(&self.gen_layout, gen_params, z, self.sample_rows())
            .pop()
            .unwrap_or_default();
        let mut input = real.to_vec();
        input.extend_from_slice(&fake);
        let masks = self.disc_masks(Counter::DiscUpdates, 2 * b);
        let acts = mlp_forward_masked(&self.disc_layout, disc_params, &input, 2 * b, &masks);
        let mut logit_grads = vec![F::zero(); 2 * b];
        let mut stats = [StatsRow::default()];
        let mut counters = [0; 4];
        let params = LossParams::new(&self.config, LOSS_MODE_DISC, 1);
        loss(
            &params,
            &mut counters,
            &acts[acts.len() - 1],
            &mut logit_grads,
            &mut stats,
        );
        let (mut grads, _) = mlp_backward_masked(
            &self.disc_layout,
            disc_params,
            &input,
            &acts,
            &logit_grads,
            2 * b,
            &masks,
        );
        let mut loss = stats[0].disc_loss;
        if self.config.r1_gamma > 0.0 {
            // The real rows come first in every layer and mask.
            let first = |values: &Vec<Vec<F>>| -> Vec<Vec<F>> {
                values
                    .iter()
                    .zip(&self.disc_layout.layers)
                    .map(|(v, layer)| v[..b * layer.outputs].to_vec())
                    .collect()
            };
            let gamma = F::of_f32(self.config.r1_gamma);
            let (penalty, penalty_grads) = r1_penalty(
                &self.disc_layout,
                disc_params,
                &first(&acts),
                &first(&masks),
                b,
                gamma,
            );
            loss += penalty;
            grads.iter_mut().zip(&penalty_grads).for_each(|(g, &p)| *g += p);
        }
        Objective {
            loss,
            grads,
            stats: stats[0],
        }
    }

    /// Non-saturating L_G and ∂L_G/∂gen_params for latent `z`.
    pub fn gen_objective(&self, gen_params: &[F], disc_params: &[F], z: &[F]) -> Objective<F> {
        let b = self.batch();
        let gen_acts = mlp_forward(&self.gen_layout, gen_params, z, self.sample_rows());
        let fake = &gen_acts[gen_acts.len() - 1];
        let masks = self.disc_masks(Counter::GenUpdates, b);
        let disc_acts = mlp_forward_masked(&self.disc_layout, disc_params, fake, b, &masks);
        let mut logit_grads = vec![F::zero(); b];
        let mut stats = [StatsRow::default()];
        let mut counters = [0; 4];
        let params = LossParams::new(&self.config, LOSS_MODE_GEN, 1);
        loss(
            &params,
            &mut counters,
            &disc_acts[disc_acts.len() - 1],
            &mut logit_grads,
            &mut stats,
        );
        let (_, d_fake) = mlp_backward_masked(
            &self.disc_layout,
            disc_params,
            fake,
            &disc_acts,
            &logit_grads,
            b,
            &masks,
        );
        let (grads, _) = mlp_backward(
            &self.gen_layout,
            gen_params,
            z,
            &gen_acts,
            &d_fake,
            self.sample_rows(),
        );
        Objective {
            loss: stats[0].gen_loss,
            grads,
            stats: stats[0],
        }
    }

    /// D's dropout masks over `rows` rows in the next update counted by
    /// `counter` (empty when the config has no dropout): 0 where dropped,
    /// 1 / (1 − rate) where kept, drawn as the GPU's dropout kernel draws.
    pub fn disc_masks(&self, counter: Counter, rows: usize) -> Vec<Vec<F>> {
        if self.config.disc_dropout <= 0.0 {
            return Vec::new();
        }
        let hidden = &self.disc_layout.layers[..self.disc_layout.layers.len() - 1];
        hidden
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let stream = match counter {
                    Counter::DiscUpdates => streams::disc_dropout_in_disc_update(l),
                    _ => streams::disc_dropout_in_gen_update(l),
                };
                let random = RandomParams {
                    seed: self.config.seed,
                    stream,
                    counter: counter as u32,
                    counter_offset: 0,
                };
                let count = rows * layer.outputs;
                let params = DropoutParams::new(random, count, self.config.disc_dropout);
                let mut mask = vec![F::one(); count];
                dropout(&params, &self.counters, &mut mask);
                mask
            })
            .collect()
    }

    fn adam_params(&self, count: usize, lr: f32, counter: Counter) -> AdamParams {
        AdamParams::new(&self.config, count, lr, counter)
    }

    fn stats_slot(&mut self) -> &mut StatsRow<F> {
        let slot = self.counters[Counter::Iteration as usize] % STATS_CAPACITY;
        &mut self.stats[slot as usize]
    }

    pub fn disc_update(&mut self) {
        let z = self.latent(streams::DISC_LATENT, Counter::DiscUpdates);
        let real = self.real_batch();
        let objective = self.disc_objective(&self.gen_params, &self.disc_params, &z, &real);
        let row = self.stats_slot();
        row.disc_loss = objective.stats.disc_loss;
        row.disc_real = objective.stats.disc_real;
        row.disc_fake = objective.stats.disc_fake;
        self.counters[Counter::DiscUpdates as usize] += 1;
        let params = self.adam_params(
            self.disc_layout.param_count,
            self.config.disc_lr,
            Counter::DiscUpdates,
        );
        let [m, v] = &mut self.disc_adam;
        adam(
            &params,
            &self.counters,
            &objective.grads,
            &mut self.disc_params,
            m,
            v,
        );
    }

    pub fn gen_update(&mut self) {
        let z = self.latent(streams::GEN_LATENT, Counter::GenUpdates);
        let objective = self.gen_objective(&self.gen_params, &self.disc_params, &z);
        self.stats_slot().gen_loss = objective.stats.gen_loss;
        self.counters[Counter::GenUpdates as usize] += 1;
        self.counters[Counter::Iteration as usize] += 1;
        let params = self.adam_params(
            self.gen_layout.param_count,
            self.config.gen_lr,
            Counter::GenUpdates,
        );
        let [m, v] = &mut self.gen_adam;
        adam(
            &params,
            &self.counters,
            &objective.grads,
            &mut self.gen_params,
            m,
            v,
        );
    }

    /// One iteration: k discriminator updates, then one generator update.
    pub fn iteration(&mut self) {
        for _ in 0..self.config.disc_steps {
            self.disc_update();
        }
        self.gen_update();
    }

    /// Stats row of iteration `i` (within the last STATS_CAPACITY).
    pub fn iteration_stats(&self, i: u64) -> StatsRow<F> {
        self.stats[(i % u64::from(STATS_CAPACITY)) as usize]
    }
}

fn convert_init<F: Real>(layout: &NetworkLayout, seed: u32, stream: u32) -> Vec<F> {
    // The GPU starts from f32 values; so does the reference, whatever F is.
    let values: Vec<f32> = init_params(layout, seed, stream);
    values.into_iter().map(F::of_f32).collect()
}
