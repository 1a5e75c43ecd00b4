// The direct run's synaptic ops of nonzero weights per destination group (the run JSON's per-layer ops, as the
// compiled chip counts them): each source neuron's delivered spikes times its nonzero-weight targets in each
// group. The per-neuron table needs no spikes, so a direct run makes it ahead on its scheduling thread, idle while
// this one sets up (counts-ahead.ts); where none was made, the run walks its connections at the end instead.

/** Each neuron's group, from the groups' first neurons (then the neuron count). */
function groupOfNeurons(groupStart: Int32Array): Int32Array {
  const groups = groupStart.length - 1;
  const groupOf = new Int32Array(groupStart[groups]!);
  for (let g = 0; g < groups; g++) groupOf.fill(g, groupStart[g]!, groupStart[g + 1]!);
  return groupOf;
}

/**
 * Per source neuron k and destination group g (`groupStart`: each group's first neuron, then the neuron count),
 * the targets k reaches in g through a nonzero weight, at [k × groups + g]. `post` / `weight64`: the targets and
 * weights of every neuron's connections, CSR over `postStart`.
 */
export function nonzeroTargetsByGroup(
  postStart: Int32Array,
  post: Int32Array,
  weight64: Int32Array,
  groupStart: Int32Array,
): Int32Array {
  const n = postStart.length - 1;
  const groups = groupStart.length - 1;
  const groupOf = groupOfNeurons(groupStart);
  const table = new Int32Array(n * groups);
  for (let k = 0; k < n; k++) {
    const end = postStart[k + 1]!;
    const row = k * groups;
    for (let r = postStart[k]!; r < end; r++) if (weight64[r] !== 0) table[row + groupOf[post[r]!]!]!++;
  }
  return table;
}

/** Per group, Σ over neurons k of `delivered[k]` × table[k × groups + g]: whole numbers, exact in any order. */
export function nonzeroOpsFromTable(table: Int32Array, groups: number, delivered: Int32Array): Float64Array {
  const into = new Float64Array(groups);
  for (let k = 0; k < delivered.length; k++) {
    const spikes = delivered[k]!;
    if (spikes === 0) continue;
    for (let g = 0; g < groups; g++) into[g]! += spikes * table[k * groups + g]!;
  }
  return into;
}

/** The same sums by a walk over the connections (no table made ahead). */
export function nonzeroOpsByWalk(
  postStart: Int32Array,
  post: Int32Array,
  weight64: Int32Array,
  groupStart: Int32Array,
  delivered: Int32Array,
): Float64Array {
  const n = postStart.length - 1;
  const groupOf = groupOfNeurons(groupStart);
  const into = new Float64Array(groupStart.length - 1);
  for (let k = 0; k < n; k++) {
    const spikes = delivered[k]!;
    if (spikes === 0) continue;
    const end = postStart[k + 1]!;
    for (let r = postStart[k]!; r < end; r++) if (weight64[r] !== 0) into[groupOf[post[r]!]!]! += spikes;
  }
  return into;
}
