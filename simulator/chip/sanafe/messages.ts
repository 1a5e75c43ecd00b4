// The messages of a ConventionNet (net.ts): per source neuron, one per destination core holding any of its
// connections (cores in slot order), with its synapse count and the summed look-up costs there — summed in
// connection order, as SANA-FE adds them. A core whose neurons all cost the same per look-up (the usual case: one
// synapse and one dendrite unit per core) needs only the count: its sums are read from running sums of that cost.

export interface MessageTable {
  msgStart: Int32Array;
  msgCore: Int32Array;
  msgSynapses: Float64Array;
  msgSynapseJ: Float64Array;
  msgDendriteJ: Float64Array;
  msgLatencyS: Float64Array;
}

/** The messages without their costs (no chip needed): which core each goes to and how many synapses it reaches
 * there; made ahead of the table (`messageCounts`) while a profile loads. */
export type MessageCounts = Pick<MessageTable, "msgStart" | "msgCore" | "msgSynapses">;

/** Room for every message (a neuron sends at most one per core it reaches): nothing grows inside the walks. */
function mostMessages(postStart: Int32Array, cores: number): number {
  let most = 0;
  for (let k = 0; k + 1 < postStart.length; k++) most += Math.min(postStart[k + 1]! - postStart[k]!, cores);
  return Math.max(1, most);
}

/** Puts `touched[0 … nt)` (distinct cores) in slot order: few per neuron, an insertion sort. */
function sortCores(touched: Int32Array, nt: number): void {
  for (let i = 1; i < nt; i++) {
    const c = touched[i]!;
    let j = i - 1;
    for (; j >= 0 && touched[j]! > c; j--) touched[j + 1] = touched[j]!;
    touched[j + 1] = c;
  }
}

/** Per source neuron, its messages' cores (slot order) and synapse counts: the walk of `messageTable` without
 * the costs. */
export function messageCounts(
  postStart: Int32Array,
  post: Int32Array,
  coreOf: Int32Array,
  cores: number,
): MessageCounts {
  const n = postStart.length - 1;
  const count = new Int32Array(cores);
  const touched = new Int32Array(cores);
  const msgStart = new Int32Array(n + 1);
  const size = mostMessages(postStart, cores);
  const msgCore = new Int32Array(size);
  const msgSynapses = new Float64Array(size);
  let m = 0;
  for (let k = 0; k < n; k++) {
    let nt = 0;
    const end = postStart[k + 1]!;
    for (let r = postStart[k]!; r < end; ) {
      const c = coreOf[post[r]!]!;
      if (count[c] === 0) touched[nt++] = c;
      let to = r + 1;
      while (to < end && coreOf[post[to]!] === c) to++;
      count[c]! += to - r;
      r = to;
    }
    sortCores(touched, nt);
    for (let i = 0; i < nt; i++, m++) {
      const c = touched[i]!;
      msgCore[m] = c;
      msgSynapses[m] = count[c]!;
      count[c] = 0;
    }
    msgStart[k + 1] = m;
  }
  return { msgStart, msgCore: msgCore.slice(0, m), msgSynapses: msgSynapses.slice(0, m) };
}

/**
 * `postStart` / `post`: every neuron's targets (CSR); `coreOf`: each neuron's core slot (of `cores`); per target
 * neuron, one look-up's energy (synapse + dendrite), its dendrite part and its latency. `counts`: this walk's
 * `messageCounts`, made ahead: where every core is uniform the costs are read from them, with no walk.
 */
export function messageTable(
  postStart: Int32Array,
  post: Int32Array,
  coreOf: Int32Array,
  cores: number,
  lookupJ: Float64Array,
  lookupDendriteJ: Float64Array,
  lookupS: Float64Array,
  counts?: MessageCounts,
): MessageTable {
  const n = postStart.length - 1;
  const first = new Int32Array(cores).fill(-1);
  const uniform = new Uint8Array(cores).fill(1);
  for (let d = 0; d < n; d++) {
    const c = coreOf[d]!;
    const f = first[c]!;
    if (f < 0) first[c] = d;
    else if (
      lookupJ[d] !== lookupJ[f] ||
      lookupDendriteJ[d] !== lookupDendriteJ[f] ||
      lookupS[d] !== lookupS[f]
    )
      uniform[c] = 0;
  }
  // per uniform core, the cost added i times in a row at [i], extended as longer messages come
  const running = () => Array.from({ length: cores }, () => [0]);
  const runJ = running();
  const runD = running();
  const runS = running();
  const summed = (run: number[], x: number, count: number) => {
    while (run.length <= count) run.push(run[run.length - 1]! + x);
    return run[count]!;
  };
  if (counts && uniform.indexOf(0) < 0) {
    const { msgCore, msgSynapses } = counts;
    const size = msgCore.length;
    const msgSynapseJ = new Float64Array(size);
    const msgDendriteJ = new Float64Array(size);
    const msgLatencyS = new Float64Array(size);
    for (let m = 0; m < size; m++) {
      const c = msgCore[m]!;
      const f = first[c]!;
      const synapses = msgSynapses[m]!;
      msgSynapseJ[m] = summed(runJ[c]!, lookupJ[f]!, synapses);
      msgDendriteJ[m] = summed(runD[c]!, lookupDendriteJ[f]!, synapses);
      msgLatencyS[m] = summed(runS[c]!, lookupS[f]!, synapses);
    }
    return { ...counts, msgSynapseJ, msgDendriteJ, msgLatencyS };
  }
  const count = new Int32Array(cores);
  const accJ = new Float64Array(cores);
  const accD = new Float64Array(cores);
  const accL = new Float64Array(cores);
  const touched = new Int32Array(cores);
  const msgStart = new Int32Array(n + 1);
  // room for every message up front: growing inside the loop below would throw its optimized code away the
  // first time it happens
  const size = mostMessages(postStart, cores);
  const msgCore = new Int32Array(size);
  const msgSynapses = new Float64Array(size);
  const msgSynapseJ = new Float64Array(size);
  const msgDendriteJ = new Float64Array(size);
  const msgLatencyS = new Float64Array(size);
  let m = 0;
  for (let k = 0; k < n; k++) {
    let nt = 0;
    const end = postStart[k + 1]!;
    for (let r = postStart[k]!; r < end; ) {
      const d = post[r]!;
      const c = coreOf[d]!;
      if (count[c] === 0) touched[nt++] = c;
      if (uniform[c] === 0) {
        count[c]!++;
        accJ[c]! += lookupJ[d]!;
        accD[c]! += lookupDendriteJ[d]!;
        accL[c]! += lookupS[d]!;
        r++;
        continue;
      }
      // a uniform core's look-ups are only counted: the run of targets on it in one go (a conv2d source's targets
      // of one output channel usually sit on one core)
      let to = r + 1;
      while (to < end && coreOf[post[to]!] === c) to++;
      count[c]! += to - r;
      r = to;
    }
    sortCores(touched, nt);
    for (let i = 0; i < nt; i++, m++) {
      const c = touched[i]!;
      const synapses = count[c]!;
      msgCore[m] = c;
      msgSynapses[m] = synapses;
      if (uniform[c] === 1) {
        const f = first[c]!;
        msgSynapseJ[m] = summed(runJ[c]!, lookupJ[f]!, synapses);
        msgDendriteJ[m] = summed(runD[c]!, lookupDendriteJ[f]!, synapses);
        msgLatencyS[m] = summed(runS[c]!, lookupS[f]!, synapses);
      } else {
        msgSynapseJ[m] = accJ[c]!;
        msgDendriteJ[m] = accD[c]!;
        msgLatencyS[m] = accL[c]!;
        accJ[c] = 0;
        accD[c] = 0;
        accL[c] = 0;
      }
      count[c] = 0;
    }
    msgStart[k + 1] = m;
  }
  return {
    msgStart,
    msgCore: msgCore.slice(0, m),
    msgSynapses: msgSynapses.slice(0, m),
    msgSynapseJ: msgSynapseJ.slice(0, m),
    msgDendriteJ: msgDendriteJ.slice(0, m),
    msgLatencyS: msgLatencyS.slice(0, m),
  };
}
