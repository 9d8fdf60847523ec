//! Device acquisition: the only part that differs between the browser
//! (WebGPU) and native (Vulkan/Metal/DX12), plus the GPU errors that wgpu
//! reports asynchronously, kept so the API can surface them as messages.

use std::sync::{Arc, Mutex};

use super::census::{Census, CountingDevice};
use super::readback::StagingPool;
use crate::error::Error;

/// Everything the engine needs from one device. Cheap to clone: wgpu
/// handles are reference-counted, so several trainers can share a device.
#[derive(Clone)]
pub struct GpuContext {
    /// Kept for surfaces (a canvas needs the instance and the adapter).
    pub instance: wgpu::Instance,
    pub adapter: wgpu::Adapter,
    /// Creates GPU objects counted (`census`); everything else as `wgpu::Device`.
    pub device: CountingDevice,
    pub queue: wgpu::Queue,
    pub adapter_info: wgpu::AdapterInfo,
    /// Errors the device reported (validation, out of memory), oldest first.
    errors: Arc<Mutex<Vec<String>>>,
    /// Set when the device is lost, with the reason.
    lost: Arc<Mutex<Option<String>>>,
    /// Readback buffers for reuse.
    pub staging: StagingPool,
}

impl std::fmt::Debug for GpuContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GpuContext({})", self.adapter_name())
    }
}

impl GpuContext {
    /// Asks for the default high-performance adapter and a device on it.
    pub async fn new() -> Result<GpuContext, Error> {
        let instance = wgpu::Instance::new(instance_descriptor());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::NoAdapter(e.to_string()))?;
        GpuContext::from_adapter(instance, adapter).await
    }

    pub async fn from_adapter(instance: wgpu::Instance, adapter: wgpu::Adapter) -> Result<GpuContext, Error> {
        let adapter_info = adapter.get_info();
        let supported = adapter.limits();
        // WebGPU's defaults are enough for the default model; only the
        // buffer limits are raised to what the adapter offers, for larger
        // batches and models.
        let required_limits = wgpu::Limits {
            max_storage_buffer_binding_size: supported.max_storage_buffer_binding_size,
            max_buffer_size: supported.max_buffer_size,
            ..wgpu::Limits::default()
        };
        let required_features = adapter.features() & wgpu::Features::TIMESTAMP_QUERY;
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("livegan"),
                required_features,
                required_limits,
                experimental_features: wgpu::ExperimentalFeatures::disabled(),
                memory_hints: wgpu::MemoryHints::Performance,
                trace: wgpu::Trace::Off,
            })
            .await
            .map_err(|e| Error::RequestDevice(e.to_string()))?;
        #[cfg(target_arch = "wasm32")]
        let adapter_info = match adapter_info.name.is_empty() {
            true => wgpu::AdapterInfo {
                name: browser_adapter_name(&device),
                ..adapter_info
            },
            false => adapter_info,
        };
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            if let Ok(mut errors) = sink.lock() {
                errors.push(error.to_string());
            }
        }));
        let lost = Arc::new(Mutex::new(None));
        let lost_sink = lost.clone();
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut lost) = lost_sink.lock() {
                *lost = Some(format!("{reason:?}: {message}"));
            }
        });
        Ok(GpuContext {
            instance,
            adapter,
            device: CountingDevice::new(device),
            queue,
            adapter_info,
            errors,
            lost,
            staging: StagingPool::default(),
        })
    }

    /// Blocking `new` for native code (CLI, tests).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new_blocking() -> Result<GpuContext, Error> {
        pollster::block_on(GpuContext::new())
    }

    /// "name (backend, device type)", e.g. "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, Cpu)".
    pub fn adapter_name(&self) -> String {
        let info = &self.adapter_info;
        format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type)
    }

    /// The first GPU error reported since the last call, if any; a lost
    /// device counts as an error.
    pub fn take_error(&self) -> Option<Error> {
        if let Some(reason) = self.lost.lock().ok().and_then(|lost| lost.clone()) {
            return Some(Error::DeviceLost(reason));
        }
        let mut errors = self.errors.lock().ok()?;
        if errors.is_empty() {
            None
        } else {
            Some(Error::Gpu(errors.drain(..).collect::<Vec<_>>().join("; ")))
        }
    }

    /// The device's loss as an error, if it was lost.
    pub fn lost_error(&self) -> Option<Error> {
        let reason = self.lost.lock().ok()?.clone()?;
        Some(Error::DeviceLost(reason))
    }

    pub fn is_lost(&self) -> bool {
        self.lost.lock().map(|lost| lost.is_some()).unwrap_or(true)
    }

    /// Every GPU object created on this device so far, by kind.
    pub fn census(&self) -> Census {
        self.device.census()
    }

    /// Natively, runs map callbacks of finished work without blocking; the
    /// browser does this on its own event loop.
    pub fn poll(&self) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.device.poll(wgpu::PollType::Poll);
    }

    /// Natively, blocks until `submission` is done and its callbacks ran.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait_for(&self, submission: wgpu::SubmissionIndex) -> Result<(), Error> {
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(submission),
                timeout: None,
            })
            .map_err(|e| Error::Gpu(e.to_string()))?;
        Ok(())
    }

    /// Natively, blocks until all submitted work is done; a no-op in the browser.
    pub fn wait_idle(&self) -> Result<(), Error> {
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Gpu(e.to_string()))?;
        Ok(())
    }
}

/// WebGPU hides the adapter's description by default; vendor and
/// architecture ("google swiftshader", "nvidia ampere") are still given.
#[cfg(target_arch = "wasm32")]
fn browser_adapter_name(device: &wgpu::Device) -> String {
    use wasm_bindgen::JsValue;
    let Some(device) = device.as_webgpu() else {
        return String::from("WebGPU adapter");
    };
    let device: &JsValue = device.as_ref();
    let info = js_sys::Reflect::get(device, &JsValue::from_str("adapterInfo")).unwrap_or(JsValue::UNDEFINED);
    let parts: Vec<String> = ["vendor", "architecture", "device", "description"]
        .iter()
        .filter_map(|field| {
            js_sys::Reflect::get(&info, &JsValue::from_str(field))
                .ok()?
                .as_string()
        })
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        String::from("WebGPU adapter")
    } else {
        parts.join(" ")
    }
}

fn instance_descriptor() -> wgpu::InstanceDescriptor {
    #[cfg(target_arch = "wasm32")]
    {
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
        descriptor.backends = wgpu::Backends::BROWSER_WEBGPU;
        descriptor
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Vulkan, Metal or DX12 (GL's EGL probing only adds noise for a
        // compute engine); WGPU_BACKEND=gl etc. overrides.
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
        descriptor.backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::PRIMARY);
        descriptor
    }
}

/// GPU errors caught by error scopes around one owner's work (a trainer's
/// creation, its training and drawing), kept for that owner alone: WebGPU
/// reports errors per device, and every trainer on a page shares one.
#[derive(Clone, Debug, Default)]
pub struct ScopedErrors {
    errors: Arc<Mutex<Vec<String>>>,
}

/// The error scopes pushed around one piece of work, innermost last.
const SCOPES: [wgpu::ErrorFilter; 3] = [
    wgpu::ErrorFilter::Validation,
    wgpu::ErrorFilter::OutOfMemory,
    wgpu::ErrorFilter::Internal,
];

impl ScopedErrors {
    /// Runs `work`, which must not await, inside error scopes and keeps
    /// what they catch: natively at once, in a browser when it answers
    /// (before the next task that could look). Synchronous, so that no
    /// other owner's work can run inside these scopes.
    pub fn capture<T>(&self, device: &wgpu::Device, work: impl FnOnce() -> T) -> T {
        let guards = push_scopes(device);
        let result = work();
        let caught = pop_scopes(guards);
        let sink = self.errors.clone();
        let collect = async move {
            let errors = caught.await;
            if let Ok(mut kept) = sink.lock() {
                kept.extend(errors);
            }
        };
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_futures::spawn_local(collect);
        #[cfg(not(target_arch = "wasm32"))]
        pollster::block_on(collect);
        result
    }

    /// Like `capture`, but waits for the scopes' answer and returns the
    /// first errors they caught instead of keeping them.
    pub async fn check<T>(device: &wgpu::Device, work: impl FnOnce() -> T) -> Result<T, Error> {
        let guards = push_scopes(device);
        let result = work();
        let errors = pop_scopes(guards).await;
        if errors.is_empty() {
            Ok(result)
        } else {
            Err(Error::Gpu(errors.join("; ")))
        }
    }

    /// The errors caught so far, as one, and forgets them.
    pub fn take(&self) -> Option<Error> {
        let mut errors = self.errors.lock().ok()?;
        if errors.is_empty() {
            None
        } else {
            Some(Error::Gpu(errors.drain(..).collect::<Vec<_>>().join("; ")))
        }
    }
}

/// Pushes every filter of `SCOPES`; `pop_scopes` takes them off again.
fn push_scopes(device: &wgpu::Device) -> [wgpu::ErrorScopeGuard; 3] {
    SCOPES.map(|filter| device.push_error_scope(filter))
}

/// Pops `guards` at once, innermost first; the future resolves to the
/// messages they caught.
fn pop_scopes(guards: [wgpu::ErrorScopeGuard; 3]) -> impl Future<Output = Vec<String>> {
    let pending: Vec<_> = guards.into_iter().rev().map(|guard| guard.pop()).collect();
    async move {
        let mut errors = Vec::new();
        for scope in pending {
            if let Some(error) = scope.await {
                errors.push(error.to_string());
            }
        }
        errors
    }
}
