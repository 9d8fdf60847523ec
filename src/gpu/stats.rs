//! Per-iteration statistics without ever waiting on the GPU.
//!
//! The loss kernel writes one row per iteration into a GPU ring of
//! `STATS_CAPACITY` rows. After each `train(n)` the rows of those n
//! iterations are copied into a free staging buffer, which is then mapped
//! asynchronously; `harvest` reads the buffers whose mapping has arrived.
//! If every staging buffer is still in flight (the GPU is far behind), the
//! browser skips that call's rows rather than wait (later ones still
//! arrive); natively the trainer first waits for the oldest of them, so the
//! CLI and the tests see every row.
//!
//! The same mappings time the GPU: a call's work is done when its mapping
//! arrives, so (arrival − max(submission, previous arrival)) / iterations
//! estimates GPU time per iteration, everything else the GPU did in that
//! interval (drawing) included. The page sizes its steps per frame by it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use serde::Serialize;

use super::buffers;
use super::context::GpuContext;
use crate::error::Error;

/// Rows in the GPU ring: the most iterations one `train(n)` reports.
pub const STATS_CAPACITY: u32 = 4096;
/// Staging buffers; more would only help a GPU that is many calls behind.
pub const STAGING_SLOTS: usize = 4;
/// History kept for the caller to take; older rows are dropped first.
pub const MAX_PENDING_HISTORY: usize = 100_000;
const ROW_BYTES: u64 = 16;

const FREE: u8 = 0;
const IN_FLIGHT: u8 = 1;
const READY: u8 = 2;
const FAILED: u8 = 3;

/// What one iteration reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IterationStats {
    /// 0-based index of the iteration.
    pub iteration: u64,
    pub disc_loss: f32,
    pub gen_loss: f32,
    /// Mean D(x) over the real batch of the last discriminator update.
    pub disc_real: f32,
    /// Mean D(G(z)) over its fake batch.
    pub disc_fake: f32,
}

struct Slot {
    buffer: wgpu::Buffer,
    state: Arc<AtomicU8>,
    first_iteration: u64,
    count: u64,
    /// Iterations the call submitted (count keeps at most STATS_CAPACITY).
    iterations: u64,
    submitted_ms: f64,
    /// f64 bits of the time the mapping arrived.
    arrived_ms: Arc<AtomicU64>,
    /// The queue submission that carries the copy, while in flight.
    submission: Option<wgpu::SubmissionIndex>,
}

/// Milliseconds on a monotonic clock: performance.now() in a browser.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|window| window.performance())
            .map_or_else(js_sys::Date::now, |performance| performance.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1e3
    }
}

pub struct StatsRing {
    /// The GPU ring the loss kernel writes: STATS_CAPACITY × vec4<f32>.
    pub rows: wgpu::Buffer,
    slots: Vec<Slot>,
    newest: Option<IterationStats>,
    history: Vec<IterationStats>,
    /// Calls whose rows were skipped because no staging buffer was free.
    pub skipped_calls: u64,
    /// When the newest harvested mapping arrived.
    last_arrival_ms: f64,
    /// Smoothed GPU milliseconds per iteration, once measured.
    gpu_ms_per_iteration: Option<f64>,
}

impl StatsRing {
    pub fn new(ctx: &GpuContext) -> Result<StatsRing, Error> {
        let rows = buffers::storage(ctx, "stats rows", STATS_CAPACITY as usize * 4)?;
        let slots = (0..STAGING_SLOTS)
            .map(|_| Slot {
                buffer: ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("stats staging"),
                    size: u64::from(STATS_CAPACITY) * ROW_BYTES,
                    usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                }),
                state: Arc::new(AtomicU8::new(FREE)),
                first_iteration: 0,
                count: 0,
                iterations: 0,
                submitted_ms: 0.0,
                arrived_ms: Arc::new(AtomicU64::new(0)),
                submission: None,
            })
            .collect();
        Ok(StatsRing {
            rows,
            slots,
            newest: None,
            history: Vec::new(),
            skipped_calls: 0,
            last_arrival_ms: 0.0,
            gpu_ms_per_iteration: None,
        })
    }

    /// Encodes a copy of the rows of iterations [first, first + count) (the
    /// last STATS_CAPACITY of them) into a free staging buffer, and returns
    /// which, to be mapped once submitted.
    pub fn encode_copy(
        &mut self,
        encoder: &mut wgpu::CommandEncoder,
        first: u64,
        count: u64,
    ) -> Option<usize> {
        self.harvest();
        let Some(index) = self
            .slots
            .iter()
            .position(|slot| slot.state.load(Ordering::Acquire) == FREE)
        else {
            self.skipped_calls += 1;
            return None;
        };
        let capacity = u64::from(STATS_CAPACITY);
        let kept = count.min(capacity);
        let slot = &mut self.slots[index];
        slot.iterations = count;
        let first = first + (count - kept);
        let count = kept;
        slot.first_iteration = first;
        slot.count = count;
        // The ring may wrap inside the range: then two copies.
        let start = first % capacity;
        let head = count.min(capacity - start);
        encoder.copy_buffer_to_buffer(&self.rows, start * ROW_BYTES, &slot.buffer, 0, head * ROW_BYTES);
        if head < count {
            encoder.copy_buffer_to_buffer(
                &self.rows,
                0,
                &slot.buffer,
                head * ROW_BYTES,
                (count - head) * ROW_BYTES,
            );
        }
        slot.state.store(IN_FLIGHT, Ordering::Release);
        Some(index)
    }

    /// Asks for the mapping of `slot`; call after the copy was submitted
    /// in `submission`.
    pub fn map_after_submit(&mut self, slot: usize, submission: wgpu::SubmissionIndex) {
        let slot = &mut self.slots[slot];
        slot.submitted_ms = now_ms();
        slot.submission = Some(submission);
        let state = slot.state.clone();
        let arrived = slot.arrived_ms.clone();
        let size = slot.count * ROW_BYTES;
        slot.buffer
            .map_async(wgpu::MapMode::Read, 0..size, move |result| {
                arrived.store(now_ms().to_bits(), Ordering::Release);
                state.store(if result.is_ok() { READY } else { FAILED }, Ordering::Release);
            });
    }

    /// Reads every staging buffer whose mapping has arrived; never blocks.
    pub fn harvest(&mut self) {
        let mut arrived: Vec<usize> = (0..self.slots.len())
            .filter(|&i| matches!(self.slots[i].state.load(Ordering::Acquire), READY | FAILED))
            .collect();
        arrived.sort_by_key(|&i| self.slots[i].first_iteration);
        for index in arrived {
            let slot = &self.slots[index];
            let arrival = f64::from_bits(slot.arrived_ms.load(Ordering::Acquire));
            let busy = arrival - slot.submitted_ms.max(self.last_arrival_ms);
            if busy > 0.0 && slot.iterations > 0 {
                let sample = busy / slot.iterations as f64;
                self.gpu_ms_per_iteration = Some(match self.gpu_ms_per_iteration {
                    Some(previous) => 0.7 * previous + 0.3 * sample,
                    None => sample,
                });
            }
            self.last_arrival_ms = self.last_arrival_ms.max(arrival);
            if slot.state.load(Ordering::Acquire) == READY {
                let size = slot.count * ROW_BYTES;
                if let Ok(view) = slot.buffer.get_mapped_range(0..size) {
                    let values: Vec<f32> = bytemuck::pod_collect_to_vec(&view);
                    for (i, row) in values.chunks_exact(4).enumerate() {
                        let stats = IterationStats {
                            iteration: slot.first_iteration + i as u64,
                            disc_loss: row[0],
                            gen_loss: row[1],
                            disc_real: row[2],
                            disc_fake: row[3],
                        };
                        if self.newest.is_none_or(|n| n.iteration < stats.iteration) {
                            self.newest = Some(stats);
                        }
                        self.history.push(stats);
                    }
                }
                slot.buffer.unmap();
            }
            slot.state.store(FREE, Ordering::Release);
        }
        if self.history.len() > MAX_PENDING_HISTORY {
            let excess = self.history.len() - MAX_PENDING_HISTORY;
            self.history.drain(..excess);
        }
    }

    /// The newest iteration whose stats have arrived.
    pub fn newest(&self) -> Option<IterationStats> {
        self.newest
    }

    /// Every row that arrived since the last call, oldest first.
    pub fn take_history(&mut self) -> Vec<IterationStats> {
        std::mem::take(&mut self.history)
    }

    /// Smoothed GPU time per iteration (see the module docs), once measured.
    pub fn gpu_ms_per_iteration(&self) -> Option<f64> {
        self.gpu_ms_per_iteration
    }

    /// Whether every staging buffer is taken: the next call's rows would
    /// be skipped.
    pub fn is_full(&self) -> bool {
        self.slots
            .iter()
            .all(|slot| slot.state.load(Ordering::Acquire) != FREE)
    }

    /// The submission that carries the oldest copy still in flight.
    pub fn oldest_in_flight(&self) -> Option<wgpu::SubmissionIndex> {
        self.slots
            .iter()
            .filter(|slot| slot.state.load(Ordering::Acquire) == IN_FLIGHT)
            .min_by_key(|slot| slot.first_iteration)
            .and_then(|slot| slot.submission.clone())
    }

    /// Whether any staging buffer is still waiting for the GPU.
    pub fn in_flight(&self) -> bool {
        self.slots
            .iter()
            .any(|slot| slot.state.load(Ordering::Acquire) != FREE)
    }
}
