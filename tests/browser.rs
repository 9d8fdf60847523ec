//! The engine in a real browser: `wasm-pack test --headless --chrome` runs
//! these in headless Chromium on its WebGPU adapter (SwiftShader there),
//! with flags from webdriver.json. The same kernel-vs-twin checks as the
//! native suite, three iterations against the reference, and the JS API.
//! No adapter is a failure here, never a skip.

#![cfg(target_arch = "wasm32")]

use livegan::checks::kernels as checks;
use livegan::checks::training::{check_iterations_match_reference, small_config};
use livegan::data::DatasetKind;
use livegan::gpu::context::GpuContext;
use livegan::gpu::pipelines::Pipelines;
use livegan::kernels::axpby::AxpbyParams;
use livegan::kernels::gemm::GemmTiling;
use livegan::wasm_api::Trainer;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn gpu() -> (GpuContext, Pipelines) {
    let ctx = GpuContext::new()
        .await
        .expect("the browser exposes a WebGPU adapter (webdriver.json passes --enable-unsafe-webgpu)");
    web_sys::console::log_1(&format!("browser tests run on {}", ctx.adapter_name()).into());
    let pipelines = Pipelines::new(&ctx.device, GemmTiling::preferred(&ctx.adapter_info));
    (ctx, pipelines)
}

#[wasm_bindgen_test]
async fn gemm_all_forms_match_twin() {
    let (ctx, pipelines) = gpu().await;
    let reports =
        checks::check_all_gemm_forms(&ctx, &pipelines, &checks::GEMM_SHAPES, checks::Operands::Dense)
            .await
            .unwrap();
    assert_eq!(reports.len(), 2 * checks::GEMM_SHAPES.len() * checks::GEMM_FORMS);
    for report in &reports {
        report.assert_passed();
    }
}

#[wasm_bindgen_test]
async fn element_wise_kernels_match_twins() {
    let (ctx, pipelines) = gpu().await;
    for size in checks::SIZES {
        checks::check_loss(&ctx, &pipelines, size, 0.1)
            .await
            .unwrap()
            .assert_passed();
        checks::check_adam(&ctx, &pipelines, size, 3, [0, 0])
            .await
            .unwrap()
            .assert_passed();
        checks::check_moving_average(&ctx, &pipelines, size, 0.999, 3)
            .await
            .unwrap()
            .assert_passed();
        checks::check_softmax_ce(&ctx, &pipelines, size, 10)
            .await
            .unwrap()
            .assert_passed();
        checks::check_dropout(&ctx, &pipelines, size, 0.3)
            .await
            .unwrap()
            .assert_passed();
        checks::check_axpby(&ctx, &pipelines, AxpbyParams::add_scaled(size, -3.5))
            .await
            .unwrap()
            .assert_passed();
        checks::check_normal(&ctx, &pipelines, size)
            .await
            .unwrap()
            .assert_passed();
        checks::check_gather(&ctx, &pipelines, size, 784, 1000, true, 784)
            .await
            .unwrap()
            .assert_passed();
        checks::check_gather(&ctx, &pipelines, size, 2, 65_536, false, 2)
            .await
            .unwrap()
            .assert_passed();
    }
    // Past the capped grid: the grid-stride loops.
    checks::check_adam(&ctx, &pipelines, checks::PAST_GRID_QUADS, 1000, [500, 300])
        .await
        .unwrap()
        .assert_passed();
    checks::check_normal(&ctx, &pipelines, checks::PAST_GRID_QUADS)
        .await
        .unwrap()
        .assert_passed();
    checks::check_gather(&ctx, &pipelines, checks::PAST_GRID_ROWS, 784, 1000, true, 784)
        .await
        .unwrap()
        .assert_passed();
}

#[wasm_bindgen_test]
async fn gpu_errors_stay_with_the_trainer_that_caused_them() {
    let (ctx, _) = gpu().await;
    let message = livegan::checks::training::check_errors_stay_with_their_trainer(&ctx)
        .await
        .unwrap();
    assert!(message.contains("invalid on purpose"), "{message}");
}

#[wasm_bindgen_test]
async fn normals_have_standard_moments() {
    let (ctx, pipelines) = gpu().await;
    checks::check_normal_moments(&ctx, &pipelines, 1 << 20)
        .await
        .unwrap()
        .assert_passed();
}

#[wasm_bindgen_test]
async fn three_iterations_match_the_reference() {
    let (ctx, _) = gpu().await;
    // Both GEMM tilings: SwiftShader prefers the direct one, GPUs run the
    // shared-memory one.
    for tiling in GemmTiling::ALL {
        for dataset in [DatasetKind::Ring8, DatasetKind::Mnist] {
            let config = small_config(dataset);
            let (report, moved) = check_iterations_match_reference(&ctx, &config, 3, tiling)
                .await
                .unwrap();
            report.assert_passed();
            assert!(moved > 1e-4, "parameters moved {moved}");
        }
    }
}

fn js(value: serde_json::Value) -> JsValue {
    use serde::Serialize;
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn field(object: &JsValue, name: &str) -> f64 {
    js_sys::Reflect::get(object, &name.into())
        .unwrap()
        .as_f64()
        .unwrap_or_else(|| panic!("{name} is a number"))
}

#[wasm_bindgen_test]
async fn a_short_training_run_through_the_js_api() {
    let config = js(serde_json::json!({
        "dataset": "ring8",
        "genHidden": [32, 32],
        "discHidden": [32, 32],
        "batchSize": 64,
        "sampleCount": 100,
        "seed": 3,
    }));
    let trainer = Trainer::create(config, JsValue::UNDEFINED).await.unwrap();
    assert_eq!(trainer.sample_width(), 2);
    assert!(!trainer.adapter_name().is_empty());
    for _ in 0..4 {
        trainer.train(JsValue::from(5)).unwrap();
    }
    assert_eq!(trainer.iteration(), 20.0);
    let samples = JsFuture::from(trainer.samples()).await.unwrap();
    let samples = js_sys::Float32Array::from(samples).to_vec();
    assert_eq!(samples.len(), 200);
    assert!(
        samples.iter().all(|v| v.is_finite() && v.abs() <= 2.0),
        "inside the data range"
    );
    assert!(samples.iter().any(|&v| v != samples[0]), "not all the same");
    // Readbacks complete in submission order, so the stats of every train()
    // call before the samples have arrived by now.
    let stats = trainer.stats();
    assert_eq!(field(&stats, "iteration"), 19.0);
    for name in ["discLoss", "genLoss", "discReal", "discFake"] {
        assert!(field(&stats, name).is_finite(), "{name}");
    }
    let history = trainer.take_history().to_vec();
    assert_eq!(history.len(), 20 * 5, "20 iterations of [iteration, 4 stats]");
    assert_eq!(history[0], 0.0);
}

async fn create_error(config: serde_json::Value, mnist: Option<&[u8]>) -> String {
    let bytes = mnist.map_or(JsValue::UNDEFINED, |bytes| js_sys::Uint8Array::from(bytes).into());
    match Trainer::create(js(config), bytes).await {
        Ok(_) => panic!("creation should fail"),
        Err(error) => {
            let value: JsValue = error.into();
            js_sys::Error::from(value).message().into()
        }
    }
}

#[wasm_bindgen_test]
async fn bad_input_is_an_error_that_names_the_problem() {
    let message = create_error(serde_json::json!({"dataset": "ring8", "batchSize": 0}), None).await;
    assert!(
        message.contains("batchSize") && message.contains("1 to 4096"),
        "{message}"
    );
    let message = create_error(serde_json::json!({"discLr": "fast"}), None).await;
    assert!(message.contains("discLr"), "{message}");
    let message = create_error(serde_json::json!({"dataset": "mnist"}), None).await;
    assert!(message.contains("train-images-idx3-ubyte"), "{message}");
    let message = create_error(serde_json::json!({"dataset": "mnist"}), Some(&[0, 0, 8, 3, 0, 0])).await;
    assert!(
        message.contains("MNIST") && message.contains("too short"),
        "{message}"
    );
    // A valid config too large for the device: refused, naming the field.
    let message = create_error(
        serde_json::json!({"dataset": "ring8", "genHidden": vec![4096; 8]}),
        None,
    )
    .await;
    assert!(
        message.contains("genHidden") && message.contains("too large"),
        "{message}"
    );
    // train(n) takes a whole number from 0 to the documented maximum and
    // refuses anything else by name, never wrapping or truncating it.
    let trainer = Trainer::create(
        js(serde_json::json!({"dataset": "ring8", "batchSize": 8})),
        JsValue::UNDEFINED,
    )
    .await
    .unwrap();
    let max = f64::from(Trainer::max_iterations_per_call());
    trainer.train(JsValue::from(0)).unwrap();
    for bad in [
        JsValue::from(-1),
        JsValue::from(f64::NAN),
        JsValue::UNDEFINED,
        JsValue::from(2.5),
        JsValue::from(4_294_967_297.0),
        JsValue::from(max + 1.0),
        JsValue::from("5"),
        JsValue::bigint_from_str("5"),
    ] {
        let error: JsValue = trainer.train(bad.clone()).unwrap_err().into();
        let message: String = js_sys::Error::from(error).message().into();
        assert!(
            message.contains("train(n)") && message.contains(&format!("0 to {max}")),
            "{bad:?}: {message}"
        );
    }
    assert_eq!(trainer.iteration(), 0.0, "a refused call trains nothing");
}

#[wasm_bindgen_test]
async fn drawing_matches_its_twin_and_shows_the_2d_layers() {
    let (ctx, _) = gpu().await;
    livegan::checks::render::check_digit_grid(&ctx, 240)
        .await
        .unwrap()
        .assert_passed();
    let options = livegan::gpu::render::DrawOptions {
        arrows: true,
        ..Default::default()
    };
    let check = livegan::checks::render::check_scatter(&ctx, 256, options)
        .await
        .unwrap();
    assert!(check.heatmap_pixels > 256 * 256 / 3, "{check:?}");
    assert!(
        check.fake_hits * 10 >= check.fake_inside * 7 && check.fake_inside > 100,
        "{check:?}"
    );
    livegan::checks::render::check_disc_field(&ctx, 2)
        .await
        .unwrap()
        .assert_passed();
}

async fn checkpoint_bytes(trainer: &Trainer) -> Vec<u8> {
    let value = JsFuture::from(trainer.checkpoint()).await.unwrap();
    js_sys::Uint8Array::from(value).to_vec()
}

fn rejection(error: wasm_bindgen::JsError) -> String {
    let value: JsValue = error.into();
    js_sys::Error::from(value).message().into()
}

#[wasm_bindgen_test]
async fn a_resumed_run_is_bit_identical_to_an_uninterrupted_one() {
    let (ctx, _) = gpu().await;
    // The engine: final state and the stats of the resumed iterations.
    livegan::checks::training::check_resume_is_exact(&ctx, &small_config(DatasetKind::Ring8), 4, 3)
        .await
        .unwrap();
    // The JS API: checkpoint(), then Trainer.restore(bytes) and on.
    let config = || {
        js(
            serde_json::json!({"dataset": "ring8", "batchSize": 16, "genHidden": [16], "discHidden": [16], "seed": 5}),
        )
    };
    let straight = Trainer::create(config(), JsValue::UNDEFINED).await.unwrap();
    straight.train(JsValue::from(7)).unwrap();
    let straight_bytes = checkpoint_bytes(&straight).await;
    let first = Trainer::create(config(), JsValue::UNDEFINED).await.unwrap();
    first.train(JsValue::from(4)).unwrap();
    let saved = checkpoint_bytes(&first).await;
    // An ArrayBuffer is as good as a Uint8Array.
    let buffer = js_sys::Uint8Array::from(saved.as_slice()).buffer();
    let resumed = Trainer::restore(buffer.into(), JsValue::UNDEFINED).await.unwrap();
    assert_eq!(resumed.iteration(), 4.0);
    resumed.train(JsValue::from(3)).unwrap();
    assert!(
        checkpoint_bytes(&resumed).await == straight_bytes,
        "4 + 3 resumed equals 7 straight"
    );

    // Corrupt, foreign and missing files are refused whole, by name.
    let mut corrupt = saved.clone();
    corrupt[saved.len() / 2] ^= 1;
    let refused = |bytes: &[u8]| JsValue::from(js_sys::Uint8Array::from(bytes));
    let message = rejection(
        Trainer::restore(refused(&corrupt), JsValue::UNDEFINED)
            .await
            .err()
            .unwrap(),
    );
    assert!(message.contains("corrupt"), "{message}");
    let message = rejection(
        Trainer::restore(refused(b"{\"a\": 1}"), JsValue::UNDEFINED)
            .await
            .err()
            .unwrap(),
    );
    assert!(message.contains("not a livegan checkpoint"), "{message}");
    let message = rejection(
        Trainer::restore(JsValue::from(5), JsValue::UNDEFINED)
            .await
            .err()
            .unwrap(),
    );
    assert!(message.contains("Uint8Array"), "{message}");
}
