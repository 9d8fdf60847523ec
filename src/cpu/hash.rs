//! Twin of shaders/hash.wgsl: the counter-based random numbers of the run.
//!
//! `pcg4d` is the 4-D PCG hash of Jarzynski & Olano, "Hash Functions for GPU
//! Rendering" (JCGT 2020): four u32 in, four well-mixed u32 out, no state.

use super::real::Real;

pub fn pcg4d(key: [u32; 4]) -> [u32; 4] {
    let mut v = key.map(|x| x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223));
    mix(&mut v);
    v = v.map(|x| x ^ (x >> 16));
    mix(&mut v);
    v
}

fn mix(v: &mut [u32; 4]) {
    v[0] = v[0].wrapping_add(v[1].wrapping_mul(v[3]));
    v[1] = v[1].wrapping_add(v[2].wrapping_mul(v[0]));
    v[2] = v[2].wrapping_add(v[0].wrapping_mul(v[1]));
    v[3] = v[3].wrapping_add(v[1].wrapping_mul(v[2]));
}

/// A uniform in the open interval (0, 1). 23 bits plus one half keep it exact
/// in f32, so the GPU and every twin start from the same value.
pub fn unit_uniform(bits: u32) -> f32 {
    ((bits >> 9) as f32 + 0.5) * (1.0 / 8_388_608.0)
}

/// Two independent standard normals from two uniforms in (0, 1).
pub fn box_muller<F: Real>(u1: f32, u2: f32) -> [F; 2] {
    let radius = (F::lit(-2.0) * F::of_f32(u1).ln()).sqrt();
    // The angle is computed in f32 like the shader, then widened.
    let theta = F::of_f32(std::f32::consts::PI * (2.0 * u2 - 1.0));
    [radius * theta.cos(), radius * theta.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_stay_inside_the_open_interval() {
        assert!(unit_uniform(0) > 0.0);
        assert!(unit_uniform(u32::MAX) < 1.0);
        let last = unit_uniform(u32::MAX);
        assert_eq!(f64::from(last), (f64::from(u32::MAX >> 9) + 0.5) / 8_388_608.0);
    }

    #[test]
    fn nearby_keys_give_unrelated_outputs() {
        let a = pcg4d([1, 2, 3, 4]);
        let b = pcg4d([1, 2, 3, 5]);
        let differing_bits: u32 = a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum();
        // 128 bits, about half should flip; 40..88 is over 5 sigma wide.
        assert!((40..88).contains(&differing_bits), "{differing_bits}");
    }
}
