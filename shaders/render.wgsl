// Drawing what the generator made, straight from the engine's storage
// buffers (no readback): an 8×8 grid of digits, 2-D points as dots, the
// discriminator's output over the plane as a heat map, and its gradient as
// arrows. CPU twin of the digit grid: src/cpu/render.rs.

struct DrawParams {
    // Render target size in pixels.
    target_size: vec2<f32>,
    // The plotted square is [-extent, extent]² in data coordinates.
    extent: f32,
    // Values in `values` × scale = data coordinates.
    scale: f32,
    color: vec4<f32>,
    // Second colour: the gaps of the digit grid, or D → 0 in the heat map.
    background: vec4<f32>,
    // Dot diameter in pixels; arrow length in cells.
    size: f32,
    // First point (or sample) and how many.
    first: u32,
    count: u32,
    // Digit grid: columns (and rows); field: grid points per side.
    grid: u32,
    // Digit side in pixels (28).
    side: u32,
    // Arrows: one per `stride` grid points along each axis.
    stride: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> d: DrawParams;
@group(0) @binding(1) var<storage, read> values: array<f32>;

struct FullscreenOut {
    @builtin(position) position: vec4<f32>,
}

// One triangle that covers the target.
@vertex
fn vs_fullscreen(@builtin(vertex_index) index: u32) -> FullscreenOut {
    let uv = vec2<f32>(f32((index << 1u) & 2u), f32(index & 2u));
    var out: FullscreenOut;
    out.position = vec4<f32>(uv * 2.0 - 1.0, 0.0, 1.0);
    return out;
}

// Gray level of pixel `pixel` (x, y in the target) of the digit grid, or -2
// in the gaps. Each cell is side + 2 image pixels: a 1-pixel gap all round.
fn digit_value(pixel: vec2<f32>) -> f32 {
    let cell_size = d.target_size / f32(d.grid);
    let cell = min(vec2<u32>(pixel / cell_size), vec2<u32>(d.grid - 1u));
    let local = (pixel - vec2<f32>(cell) * cell_size) / cell_size * f32(d.side + 2u) - 1.0;
    if (any(local < vec2<f32>(0.0)) || any(local >= vec2<f32>(f32(d.side)))) {
        return -2.0;
    }
    let sample = d.first + cell.y * d.grid + cell.x;
    if (sample >= d.first + d.count) {
        return -2.0;
    }
    let p = vec2<u32>(local);
    return values[sample * d.side * d.side + p.y * d.side + p.x];
}

@fragment
fn fs_digits(in: FullscreenOut) -> @location(0) vec4<f32> {
    let value = digit_value(in.position.xy);
    if (value < -1.5) {
        return d.background;
    }
    // Pixels in [-1, 1]: white strokes on black, like MNIST.
    let level = clamp(value * 0.5 + 0.5, 0.0, 1.0);
    return vec4<f32>(vec3<f32>(level), 1.0);
}

struct PointOut {
    @builtin(position) position: vec4<f32>,
    // Position inside the dot, -1..1 on each axis.
    @location(0) corner: vec2<f32>,
}

// Data coordinates to clip space (y up).
fn to_clip(point: vec2<f32>) -> vec2<f32> {
    return point / d.extent;
}

@vertex
fn vs_points(@builtin(vertex_index) vertex: u32, @builtin(instance_index) instance: u32) -> PointOut {
    let corners = array<vec2<f32>, 6>(
        vec2<f32>(-1.0, -1.0), vec2<f32>(1.0, -1.0), vec2<f32>(-1.0, 1.0),
        vec2<f32>(-1.0, 1.0), vec2<f32>(1.0, -1.0), vec2<f32>(1.0, 1.0),
    );
    let i = d.first + instance;
    let point = vec2<f32>(values[2u * i], values[2u * i + 1u]) * d.scale;
    let corner = corners[vertex];
    var out: PointOut;
    out.position = vec4<f32>(to_clip(point) + corner * d.size / d.target_size, 0.0, 1.0);
    out.corner = corner;
    return out;
}

@fragment
fn fs_points(in: PointOut) -> @location(0) vec4<f32> {
    let r = length(in.corner);
    if (r > 1.0) {
        discard;
    }
    // A soft edge keeps small dots round.
    return vec4<f32>(d.color.rgb, d.color.a * smoothstep(1.0, 0.7, r));
}

// The field grid point `index` in data coordinates: cell centres of the
// plotted square (the trainer evaluates D at the same points).
fn field_point(cell: vec2<u32>) -> vec2<f32> {
    return ((vec2<f32>(cell) + 0.5) / f32(d.grid) * 2.0 - 1.0) * d.extent;
}

// D's logit at grid cell (x, y), rows of the grid running upwards in y.
fn field_logit(x: i32, y: i32) -> f32 {
    let g = i32(d.grid) - 1;
    let cell = vec2<u32>(vec2<i32>(clamp(x, 0, g), clamp(y, 0, g)));
    return values[cell.y * d.grid + cell.x];
}

@fragment
fn fs_field(in: FullscreenOut) -> @location(0) vec4<f32> {
    // Pixel → grid coordinates (y up), then bilinear between cell centres.
    let uv = vec2<f32>(in.position.x, d.target_size.y - in.position.y) / d.target_size;
    let g = uv * f32(d.grid) - 0.5;
    let base = vec2<i32>(floor(g));
    let t = g - floor(g);
    let logit = mix(
        mix(field_logit(base.x, base.y), field_logit(base.x + 1, base.y), t.x),
        mix(field_logit(base.x, base.y + 1), field_logit(base.x + 1, base.y + 1), t.x),
        t.y,
    );
    let real = 1.0 / (1.0 + exp(-clamp(logit, -30.0, 30.0)));
    // D → 1 ("real") in `color`, D → 0 ("fake") in `background`.
    return mix(d.background, d.color, real);
}

struct ArrowOut {
    @builtin(position) position: vec4<f32>,
    @location(0) strength: f32,
}

// Two vertices per arrow shaft, two per barb: a line list, one arrow per
// grid point, pointing up D's gradient (where D says "more real").
@vertex
fn vs_arrows(@builtin(vertex_index) vertex: u32, @builtin(instance_index) instance: u32) -> ArrowOut {
    let per_side = d.grid / d.stride;
    let cell = vec2<u32>(instance % per_side, instance / per_side) * d.stride + d.stride / 2u;
    let origin = field_point(cell);
    let index = cell.y * d.grid + cell.x;
    let gradient = vec2<f32>(values[2u * index], values[2u * index + 1u]);
    let magnitude = length(gradient);
    let direction = select(vec2<f32>(0.0), gradient / magnitude, magnitude > 0.0);
    let length_data = d.size * 2.0 * d.extent / f32(d.grid);
    let tip = origin + direction * length_data;
    let side = vec2<f32>(-direction.y, direction.x);
    var point = origin;
    switch vertex {
        case 1u, 2u, 4u: { point = tip; }
        case 3u: { point = tip - (direction - side * 0.5) * length_data * 0.35; }
        case 5u: { point = tip - (direction + side * 0.5) * length_data * 0.35; }
        default: { point = origin; }
    }
    var out: ArrowOut;
    out.position = vec4<f32>(to_clip(point), 0.0, 1.0);
    out.strength = magnitude;
    return out;
}

@fragment
fn fs_arrows(in: ArrowOut) -> @location(0) vec4<f32> {
    // Faint where D is flat, solid where it is steep.
    let alpha = d.color.a * (0.25 + 0.75 * (1.0 - exp(-in.strength)));
    return vec4<f32>(d.color.rgb, alpha);
}
