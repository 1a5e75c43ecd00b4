// The source neurons a run of destination neurons reads (traffic between cores): the same set forEachSynapse
// visits, marked per convolution group and input position instead of per synapse, so a conv slice costs its
// output positions' windows plus its groups' input channels × marked positions, not synapses × a callback.

import { type Connectivity, rowwiseIndex } from "../nmir/index.js";
import { convGeometry, forEachSynapse, windowsOf } from "./synapses.js";

/** Sets mark[src] = 1 for every source neuron with a synapse onto destinations `start .. start + count − 1`. */
export function markSources(c: Connectivity, start: number, count: number, mark: Uint8Array): void {
  if (c.kind === "conv1d" || c.kind === "conv2d") markConvSources(c, start, count, mark);
  else if (c.kind === "rowwise" && !c.dstTransposed) markRowwiseSources(c, start, count, mark);
  else
    forEachSynapse(c, start, count, (i) => {
      mark[i] = 1;
    });
}

function markConvSources(
  c: Connectivity & { kind: "conv1d" | "conv2d" },
  start: number,
  count: number,
  mark: Uint8Array,
): void {
  const g = convGeometry(c);
  const plane = g.ho * g.wo;
  const inPlane = g.h * g.w;
  const coutG = g.cout / g.groups;
  const win = windowsOf(c);
  const inMask = new Uint8Array(inPlane);
  const end = start + count;
  // one group at a time: its channels read the same input channels, so the positions its part of the run
  // covers decide which input positions (windows) every one of those channels contributes
  for (let j0 = start; j0 < end; ) {
    const q = Math.floor(Math.floor(j0 / plane) / coutG);
    const j1 = Math.min(end, (q + 1) * coutG * plane);
    inMask.fill(0);
    const positions = j1 - j0 >= plane ? plane : j1 - j0;
    for (let k = 0; k < positions; k++) {
      const p = positions === plane ? k : (j0 + k) % plane;
      for (let s = win.start[p]!; s < win.start[p + 1]!; s++) inMask[win.pos[s]!] = 1;
    }
    for (let cg = 0; cg < g.cinG; cg++) {
      const ci = q * g.cinG + cg;
      if (ci >= g.cin) continue;
      const base = ci * inPlane;
      for (let x = 0; x < inPlane; x++) if (inMask[x] === 1) mark[base + x] = 1;
    }
    j0 = j1;
  }
}

/** Token-major rowwise: destination j is (row ⌊j / out⌋, feature j mod out) and reads every input of its row. */
function markRowwiseSources(
  c: Connectivity & { kind: "rowwise" },
  start: number,
  count: number,
  mark: Uint8Array,
): void {
  const [nOut, nIn] = c.kernel;
  const { src } = rowwiseIndex(c);
  const r0 = Math.floor(start / nOut);
  const r1 = Math.floor((start + count - 1) / nOut);
  for (let r = r0; r <= r1; r++) for (let i = 0; i < nIn; i++) mark[src(r, i)] = 1;
}
