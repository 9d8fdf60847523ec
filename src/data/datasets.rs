//! Every dataset, one entry each in one table: its name, its title on the
//! page, its sample width, how its coordinates are scaled and framed, where
//! its rows come from, its classes and, for Gaussian mixtures, the modes
//! samples are scored against.
//!
//! Adding a dataset: a variant in `dataset_kinds!` below and its entry in
//! `DatasetKind::info` (an exhaustive match: it does not compile without).

use serde::{Deserialize, Serialize};

use super::mixtures::{Draw, Mixture, mixture_point};

/// Declares `DatasetKind` and `DatasetKind::ALL` from one list, so the list
/// cannot miss a kind.
macro_rules! dataset_kinds {
    ($( $(#[$doc:meta])* $variant:ident ),* $(,)?) => {
        /// Which data the discriminator sees as real.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum DatasetKind {
            $( $(#[$doc])* $variant ),*
        }

        impl DatasetKind {
            pub const ALL: &'static [DatasetKind] = &[$(DatasetKind::$variant),*];
        }
    };
}

dataset_kinds! {
    /// 28×28 handwritten digits, pixels scaled to [-1, 1].
    Mnist,
    /// 8 Gaussians on a circle of radius 1, σ 0.01 (PacGAN's ring).
    Ring8,
    /// 25 Gaussians at {-4, -2, 0, 2, 4}², σ 0.05 (PacGAN's grid).
    Grid25,
    /// A two-armed spiral: a continuous 1-D manifold in the plane.
    Spiral,
    /// Points spread uniformly along a circle of radius 1.
    Circle,
}

/// Where a dataset's rows come from.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// MNIST's training images (`train-images-idx3-ubyte`), which the
    /// caller supplies: they are not generated.
    MnistImages,
    /// Point i of seed s, in data coordinates, from the random draw
    /// `mixtures::Draw::new(s, i)`.
    Points(fn(&Draw) -> [f64; 2]),
}

/// One row of the table.
#[derive(Debug)]
pub struct DatasetInfo {
    pub kind: DatasetKind,
    /// In configs, links and on the command line.
    pub name: &'static str,
    /// On the page.
    pub title: &'static str,
    /// X: values per sample.
    pub sample_width: usize,
    /// The generator's tanh output lives in (-1, 1); data is divided by
    /// this on upload (so it sits well inside that range) and generated
    /// samples are multiplied by it on the way out.
    pub coordinate_scale: f32,
    /// Plots frame the square [-plot_extent, plot_extent]².
    pub plot_extent: f32,
    /// Labelled classes (10 digits), or 0.
    pub classes: u32,
    pub source: Source,
    /// Gaussian mixtures: the modes samples are scored against.
    pub mixture: Option<fn() -> Mixture>,
}

const MNIST: DatasetInfo = DatasetInfo {
    kind: DatasetKind::Mnist,
    name: "mnist",
    title: "MNIST digits",
    sample_width: super::mnist::IMAGE_PIXELS,
    coordinate_scale: 1.0,
    plot_extent: 1.0,
    classes: 10,
    source: Source::MnistImages,
    mixture: None,
};

const RING8: DatasetInfo = DatasetInfo {
    kind: DatasetKind::Ring8,
    name: "ring8",
    title: "ring of 8 Gaussians",
    sample_width: 2,
    coordinate_scale: 2.0,
    plot_extent: 1.5,
    classes: 0,
    source: Source::Points(|draw| mixture_point(&Mixture::ring8(), draw)),
    mixture: Some(Mixture::ring8),
};

const GRID25: DatasetInfo = DatasetInfo {
    kind: DatasetKind::Grid25,
    name: "grid25",
    title: "grid of 25 Gaussians",
    sample_width: 2,
    coordinate_scale: 6.0,
    plot_extent: 5.5,
    classes: 0,
    source: Source::Points(|draw| mixture_point(&Mixture::grid25(), draw)),
    mixture: Some(Mixture::grid25),
};

const SPIRAL: DatasetInfo = DatasetInfo {
    kind: DatasetKind::Spiral,
    name: "spiral",
    title: "spiral",
    sample_width: 2,
    coordinate_scale: 3.0,
    plot_extent: 2.5,
    classes: 0,
    source: Source::Points(|draw| {
        // Two arms, each 1.5 turns from radius 0.2 out to 2.
        let arm = f64::from(draw.coin % 2) * std::f64::consts::PI;
        let angle = 3.0 * std::f64::consts::PI * draw.u + arm;
        let radius = 0.2 + 1.8 * draw.u;
        [
            radius * angle.cos() + 0.02 * draw.normals[0],
            radius * angle.sin() + 0.02 * draw.normals[1],
        ]
    }),
    mixture: None,
};

const CIRCLE: DatasetInfo = DatasetInfo {
    kind: DatasetKind::Circle,
    name: "circle",
    title: "circle",
    sample_width: 2,
    coordinate_scale: 2.0,
    plot_extent: 1.5,
    classes: 0,
    source: Source::Points(|draw| {
        let angle = std::f64::consts::TAU * draw.u;
        let radius = 1.0 + 0.01 * draw.normals[0];
        [radius * angle.cos(), radius * angle.sin()]
    }),
    mixture: None,
};

impl DatasetKind {
    /// This dataset's row of the table.
    pub fn info(self) -> &'static DatasetInfo {
        match self {
            DatasetKind::Mnist => &MNIST,
            DatasetKind::Ring8 => &RING8,
            DatasetKind::Grid25 => &GRID25,
            DatasetKind::Spiral => &SPIRAL,
            DatasetKind::Circle => &CIRCLE,
        }
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// X in the shape legend: the width of one sample.
    pub fn sample_width(self) -> usize {
        self.info().sample_width
    }

    pub fn from_name(name: &str) -> Option<DatasetKind> {
        DatasetKind::ALL.iter().copied().find(|d| d.name() == name)
    }

    /// Every name, for messages that list what is allowed.
    pub fn names() -> Vec<&'static str> {
        DatasetKind::ALL.iter().map(|d| d.name()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_describes_its_own_kind_under_its_serde_name() {
        for &kind in DatasetKind::ALL {
            let info = kind.info();
            assert_eq!(info.kind, kind);
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(info.name));
            assert_eq!(DatasetKind::from_name(info.name), Some(kind));
        }
        let mut names = DatasetKind::names();
        names.dedup();
        assert_eq!(names.len(), DatasetKind::ALL.len(), "names are unique");
    }

    #[test]
    fn generated_datasets_are_points_and_mnist_is_images() {
        for &kind in DatasetKind::ALL {
            let info = kind.info();
            match info.source {
                Source::MnistImages => assert_eq!(info.sample_width, super::super::mnist::IMAGE_PIXELS),
                Source::Points(_) => assert_eq!(info.sample_width, 2),
            }
            assert_eq!(info.classes > 0, matches!(info.source, Source::MnistImages));
        }
    }
}
