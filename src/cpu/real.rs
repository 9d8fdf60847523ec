//! The float type of the CPU twins: f32 to mirror the GPU, f64 to be the
//! exact reference that GPU results and finite differences are judged by.

use std::fmt::Debug;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use num_traits::{Float, FromPrimitive, ToPrimitive};

pub trait Real:
    Float
    + FromPrimitive
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Debug
    + Default
    + Send
    + Sync
    + 'static
{
    /// A constant; every f64 converts (f32 rounds).
    fn lit(x: f64) -> Self {
        <Self as FromPrimitive>::from_f64(x).unwrap_or_else(Self::nan)
    }

    fn of_f32(x: f32) -> Self {
        Self::lit(f64::from(x))
    }

    fn as_f64(self) -> f64 {
        ToPrimitive::to_f64(&self).unwrap_or(f64::NAN)
    }

    fn as_f32(self) -> f32 {
        self.as_f64() as f32
    }
}

impl Real for f32 {}
impl Real for f64 {}

/// Converts a slice between float types.
pub fn convert<A: Real, B: Real>(values: &[A]) -> Vec<B> {
    values.iter().map(|&v| B::lit(v.as_f64())).collect()
}
