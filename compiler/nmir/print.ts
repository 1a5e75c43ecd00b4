// Human views of an NMIR module: printNmir (the text dump of `spikegrid inspect` and --dump-after) and
// summarizeNmir (the same facts as JSON-ready data; arrays are summarised, never listed).

import { assertNever } from "../../common/errors.js";
import { type Connectivity, connInSize, connOutSize, synapseCount } from "./connectivity.js";
import { modelParams, stateVars } from "./model-info.js";
import type { NeuronModel } from "./neuron-models.js";
import { describeEvent, type NmirModule, type Projection, shapeSize } from "./types.js";

export interface ArraySummary {
  type: "int32" | "float32" | "float64";
  length: number;
  min: number;
  max: number;
}

export function summarizeArray(a: Int32Array | Float32Array | Float64Array): ArraySummary {
  const type = a instanceof Int32Array ? "int32" : a instanceof Float32Array ? "float32" : "float64";
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of a) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return a.length === 0 ? { type, length: 0, min: 0, max: 0 } : { type, length: a.length, min, max };
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString());

/** `7` (broadcast), `0.25 (f64)`, `7 (×128)` (constant), `-3..7 (×128)`, `empty`. */
function showArray(a: Int32Array | Float32Array | Float64Array): string {
  const s = summarizeArray(a);
  if (s.length === 0) return "empty";
  const tag = s.type === "int32" ? "" : s.type === "float32" ? "f32" : "f64";
  const notes = [s.length > 1 ? `×${s.length}` : "", tag].filter((x) => x !== "").join(" ");
  const value = s.min === s.max ? num(s.min) : `${num(s.min)}..${num(s.max)}`;
  return notes === "" ? value : `${value} (${notes})`;
}

const dims = (xs: readonly number[]) => `[${xs.join(",")}]`;

function modelFields(m: NeuronModel): string[] {
  const params = modelParams(m).map((p) => `${p.name}=${showArray(p.values)}`);
  switch (m.kind) {
    case "lif":
    case "cubaLif":
    case "if": {
      const decay =
        m.kind === "if"
          ? []
          : [`decayBits=${m.decayBits}`, ...(m.kind === "lif" && m.leakBelow ? ["leakBelow"] : [])];
      return [...params, ...decay, `reset=${m.reset}`, `fire=${m.fire}`, `refractory=${m.refractory}`];
    }
    case "li":
    case "cubaLi":
      return [...params, `decayBits=${m.decayBits}`, `outShift=${m.outShift}`, `outBits=${m.outBits}`];
    case "linear": {
      const a = m.activation;
      const act = a.kind === "clamp" ? `clamp(${num(a.lo)}, ${num(a.hi)})` : a.kind;
      return [...params, `outShift=${m.outShift}`, `activation=${act}`, `outBits=${m.outBits}`];
    }
    case "product":
      return [`shift=${m.shift}`, `outBits=${m.outBits}`];
    case "threshold":
      return [...params, `fire=${m.fire}`];
    case "function":
      return [
        `fn=${m.fn}`,
        ...params,
        `table=${m.xs.length} points ${showArray(m.xs)} → ${showArray(m.ys)}`,
        `slopeShift=${m.slopeShift}`,
        `outBits=${m.outBits}`,
      ];
    default:
      return assertNever(m, "neuron model");
  }
}

function connectivityText(c: Connectivity): string {
  switch (c.kind) {
    case "dense":
    case "sparse":
      return `${c.kind} ${c.inSize}→${c.outSize}`;
    case "conv1d":
    case "conv2d": {
      const pairs = (v: number | number[]) => (typeof v === "number" ? String(v) : dims(v));
      return (
        `${c.kind} ${dims(c.inShape)}→${dims(c.outShape)} k${dims(c.kernel)} s${pairs(c.stride)} ` +
        `p${pairs(c.padding)} d${pairs(c.dilation)} g${c.groups}`
      );
    }
    case "oneToOne":
      return `oneToOne ${c.size}`;
    case "rowwise":
      return (
        `rowwise ${c.rows}×[${c.kernel[1]}→${c.kernel[0]}]` +
        `${c.srcTransposed ? " src^T" : ""}${c.dstTransposed ? " dst^T" : ""}`
      );
    default:
      return assertNever(c, "connectivity");
  }
}

function scaleText(p: Projection): string {
  const s = p.scale;
  if (s.kind === "perProjection") return `exp ${s.exp}`;
  const e = summarizeArray(s.exps);
  return e.min === e.max ? `exp ${e.min} per-channel` : `exp ${e.min}..${e.max} per-channel`;
}

/** Left-aligned columns: each row's cells padded to the widest cell of their column. */
function table(rows: string[][], indent = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows.map(
    (r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  "),
  );
}

/** Longest metadata value shown whole in the text dump; the JSON summary always holds every value whole. */
export const METADATA_TEXT_LIMIT = 120;

/**
 * A metadata value as the text dump shows it: whole when short; else its start and what it is (a quantization
 * plan or a sequence-buffer list runs to tens of kB of JSON, which would bury the module on one line).
 */
export function metadataText(value: string): string {
  if (value.length <= METADATA_TEXT_LIMIT) return value;
  let what = `${value.length.toLocaleString("en-US")} characters`;
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) what = `JSON array of ${parsed.length} entries, ${what}`;
    else if (parsed !== null && typeof parsed === "object") {
      const keys = Object.keys(parsed);
      const shown = keys.slice(0, 6).join(", ");
      what = `JSON object {${shown}${keys.length > 6 ? `, … (${keys.length} keys)` : ""}}, ${what}`;
    }
  } catch {
    // not JSON: the length says enough
  }
  return `${value.slice(0, 48)}… (${what}; inspect --json shows it whole)`;
}

/** The readable text dump: header, inputs, populations with parameters, projections, matmuls, outputs. */
export function printNmir(m: NmirModule): string {
  const dt = m.dt === undefined ? "" : `  dt=${num(m.dt * 1000)}ms`;
  const lines = [`NMIR module "${m.name}"  stage=${m.stage}  format=v${m.formatVersion}${dt}`];
  const meta = Object.entries(m.metadata);
  if (meta.length > 0) lines.push("metadata", ...table(meta.map(([k, v]) => [k, metadataText(v)])));

  const section = (title: string, count: number, body: string[]) => {
    lines.push("", `${title} (${count})`, ...body);
  };
  section(
    "inputs",
    m.inputs.length,
    table(m.inputs.map((i) => [i.id, dims(i.shape), describeEvent(i.event)])),
  );

  const popRows = m.populations.map((p) => {
    const state = stateVars(p.model).map((s) => `${s.name}:${s.bits}${s.signed ? "s" : "u"}`);
    return [
      p.id,
      dims(p.shape),
      p.model.kind,
      `→ ${describeEvent(p.output)}`,
      `state ${state.join(" ") || "none"}`,
    ];
  });
  const popLines = table(popRows);
  const body: string[] = [];
  m.populations.forEach((p, i) => {
    body.push(popLines[i]!, `      ${modelFields(p.model).join("  ")}`);
  });
  section("populations", m.populations.length, body);

  section(
    "projections",
    m.projections.length,
    table(
      m.projections.map((p) => {
        const w = summarizeArray(p.connectivity.weights);
        const wType = w.type === "int32" ? "int" : w.type === "float32" ? "f32" : "f64";
        return [
          p.id,
          `${p.src} → ${p.dst}.${p.port}`,
          connectivityText(p.connectivity),
          `w ${p.weightBits}-bit ${wType}`,
          scaleText(p),
          `delay ${p.delay}`,
          `synapses ${synapseCount(p.connectivity)} (${w.length} weights)`,
        ];
      }),
    ),
  );

  section(
    "dynamic matmuls",
    m.dynamicMatmuls.length,
    table(
      m.dynamicMatmuls.map((d) => [
        d.id,
        `a=${d.a} b=${d.b}${d.transposeB ? "ᵀ" : ""}`,
        `[${d.m}×${d.k}]·[${d.k}×${d.n}] → [${d.m}×${d.n}]`,
        `shift ${d.shift}`,
        `→ ${describeEvent(d.output)}`,
        ...(d.realisation
          ? [
              `as ${(d.m * d.k * d.n).toLocaleString("en-US")} ${d.realisation.form} term neurons (counted, not instantiated${d.realisation.preShift ? `; pre-shift ${d.realisation.preShift}` : ""})`,
            ]
          : []),
      ]),
    ),
  );
  section(
    "outputs",
    m.outputs.length,
    table(m.outputs.map((o) => [o.id, `← ${o.src}`, `scale 2^${o.scaleExp}`])),
  );
  return `${lines.join("\n")}\n`;
}

/** The facts of printNmir as plain data (for `inspect --json`); arrays become {type, length, min, max}. */
export function summarizeNmir(m: NmirModule) {
  const synapses = m.projections.reduce((s, p) => s + synapseCount(p.connectivity), 0);
  return {
    format: "nmir" as const,
    formatVersion: m.formatVersion,
    name: m.name,
    stage: m.stage,
    ...(m.dt === undefined ? {} : { dt: m.dt }),
    metadata: m.metadata,
    counts: {
      inputs: m.inputs.length,
      populations: m.populations.length,
      neurons: m.populations.reduce((s, p) => s + shapeSize(p.shape), 0),
      projections: m.projections.length,
      synapses,
      weights: m.projections.reduce((s, p) => s + p.connectivity.weights.length, 0),
      dynamicMatmuls: m.dynamicMatmuls.length,
      outputs: m.outputs.length,
    },
    inputs: m.inputs.map((i) => ({ id: i.id, shape: i.shape, event: i.event })),
    populations: m.populations.map((p) => ({
      id: p.id,
      shape: p.shape,
      model: p.model.kind,
      output: p.output,
      stateVars: stateVars(p.model),
      params: Object.fromEntries(modelParams(p.model).map((s) => [s.name, summarizeArray(s.values)])),
    })),
    projections: m.projections.map((p) => ({
      id: p.id,
      src: p.src,
      dst: p.dst,
      port: p.port,
      connectivity: p.connectivity.kind,
      inSize: connInSize(p.connectivity),
      outSize: connOutSize(p.connectivity),
      weightBits: p.weightBits,
      weights: summarizeArray(p.connectivity.weights),
      scale:
        p.scale.kind === "perProjection"
          ? p.scale
          : { kind: p.scale.kind, exps: summarizeArray(p.scale.exps) },
      delay: p.delay,
      synapses: synapseCount(p.connectivity),
    })),
    dynamicMatmuls: m.dynamicMatmuls.map((d) => ({ ...d })),
    outputs: m.outputs.map((o) => ({ ...o })),
  };
}

export type NmirSummary = ReturnType<typeof summarizeNmir>;
