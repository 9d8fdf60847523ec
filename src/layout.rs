//! Where each layer's weights and bias live in a network's one flat buffer.
//!
//! A layer with `inputs` → `outputs` stores an (inputs + 1) × outputs
//! row-major matrix: rows 0..inputs are W (W[i][o]), row `inputs` is the bias.
//! Forward is then one GEMM of `[X, 1] · [W; b]`, and the weight gradient
//! `[X, 1]ᵀ · dY` produces dW and db together in the same layout. Gradients
//! and both Adam moments use this layout too, so Adam is one dispatch.

/// Activation applied to a layer's output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Identity,
    /// ReLU is `LeakyRelu { slope: 0.0 }`.
    LeakyRelu {
        slope: f32,
    },
    Tanh,
}

impl Activation {
    /// Negative-side slope; only meaningful for LeakyRelu.
    pub fn slope(self) -> f32 {
        match self {
            Activation::LeakyRelu { slope } => slope,
            _ => 0.0,
        }
    }
}

/// One linear layer followed by its activation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerShape {
    pub inputs: usize,
    pub outputs: usize,
    /// First element of this layer's (inputs + 1) × outputs block.
    pub offset: usize,
    pub activation: Activation,
}

impl LayerShape {
    pub fn param_count(&self) -> usize {
        (self.inputs + 1) * self.outputs
    }

    /// Index of W[i][o] in the flat buffer.
    pub fn weight_index(&self, i: usize, o: usize) -> usize {
        self.offset + i * self.outputs + o
    }

    /// Index of b[o] in the flat buffer.
    pub fn bias_index(&self, o: usize) -> usize {
        self.offset + self.inputs * self.outputs + o
    }
}

/// The layers of one MLP and the size of its flat parameter buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkLayout {
    pub layers: Vec<LayerShape>,
    pub param_count: usize,
}

impl NetworkLayout {
    /// `widths` = [input, hidden…, output]; every layer but the last uses
    /// `hidden`, the last uses `output`.
    pub fn mlp(widths: &[usize], hidden: Activation, output: Activation) -> NetworkLayout {
        assert!(widths.len() >= 2, "an MLP needs an input and an output width");
        let mut layers = Vec::with_capacity(widths.len() - 1);
        let mut offset = 0;
        for (index, pair) in widths.windows(2).enumerate() {
            let is_last = index == widths.len() - 2;
            let layer = LayerShape {
                inputs: pair[0],
                outputs: pair[1],
                offset,
                activation: if is_last { output } else { hidden },
            };
            offset += layer.param_count();
            layers.push(layer);
        }
        NetworkLayout {
            layers,
            param_count: offset,
        }
    }

    pub fn input_width(&self) -> usize {
        self.layers[0].inputs
    }

    pub fn output_width(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs
    }

    /// Multiply-adds of one forward pass for one sample (bias counted).
    pub fn macs_per_sample(&self) -> usize {
        self.layers.iter().map(LayerShape::param_count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_tile_the_flat_buffer_without_gaps() {
        let layout = NetworkLayout::mlp(&[3, 5, 2], Activation::LeakyRelu { slope: 0.2 }, Activation::Tanh);
        assert_eq!(layout.layers[0].offset, 0);
        assert_eq!(layout.layers[1].offset, 4 * 5);
        assert_eq!(layout.param_count, 4 * 5 + 6 * 2);
        assert_eq!(layout.layers[0].bias_index(4), 3 * 5 + 4);
        assert_eq!(layout.layers[1].weight_index(0, 0), 20);
        assert_eq!(layout.layers[1].activation, Activation::Tanh);
        assert_eq!(layout.layers[0].activation, Activation::LeakyRelu { slope: 0.2 });
    }
}
