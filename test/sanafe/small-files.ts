// Small SANA-FE files for command tests. A chip in SANA-FE's arch format (its arch/README.md): `width` × `height` tiles of two
// cores, one synapse, dendrite, LIF soma and input soma (`loihi_inputs`, as SANA-FE's Loihi file names it) per
// core, round costs; west hops cost more than east, so a hop's direction shows in the energy. A two-layer
// network with input trains and a zero weight.

export function smallArch(o: { name: string; width: number; height: number; sync?: boolean }): string {
  const tiles = o.width * o.height;
  return `architecture:
  name: ${o.name}
  attributes:
    width: ${o.width}
    height: ${o.height}
    link_buffer_size: 8
${o.sync === false ? "" : `    sync_model: table\n    latency_sync: {1: 0.5e-6, ${tiles}: 0.9e-6}\n`}  tile:
    - name: t[0..${tiles - 1}]
      attributes:
        energy_north_hop: 4.0e-12
        latency_north_hop: 6.0e-9
        energy_south_hop: 4.0e-12
        latency_south_hop: 6.0e-9
        energy_east_hop: 2.0e-12
        latency_east_hop: 3.0e-9
        energy_west_hop: 3.0e-12
        latency_west_hop: 3.0e-9
      core:
        - name: c[0..1]
          attributes:
            buffer_position: soma
            max_neurons_supported: 64
          axon_in:
            - name: ain
              attributes: {energy_message_in: 1.0e-12, latency_message_in: 8.0e-9}
          synapse:
            - name: syn
              attributes: {model: current_based, energy_process_spike: 20.0e-12, latency_process_spike: 2.5e-9}
          dendrite:
            - name: acc
              attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}
          soma:
            - name: lif
              attributes:
                model: leaky_integrate_fire
                energy_access_neuron: 10.0e-12
                latency_access_neuron: 2.0e-9
                energy_update_neuron: 5.5e-12
                latency_update_neuron: 1.5e-9
                energy_spike_out: 30.0e-12
                latency_spike_out: 20.0e-9
            - name: loihi_inputs
              attributes: {model: input, energy_access_neuron: 0, latency_access_neuron: 0,
                energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}
          axon_out:
            - name: aout
              attributes: {energy_message_out: 90.0e-12, latency_message_out: 4.0e-9}
`;
}

/** Two input trains (core 0.0) → three LIFs on `aCore`; one zero weight (a SANA-FE look-up all the same). */
export function twoLayerNet(aCore = "0.1"): string {
  return `network:
  groups:
    - name: i
      neurons:
        - 0: {spikes: [1, 0, 1, 1, 0, 1]}
        - 1: {spikes: [0, 1, 1, 0, 0, 1]}
    - name: a
      attributes: {threshold: 0.5}
      neurons: [0..2]
  edges:
    - i -> a: {type: dense, weight: [1, 0.25, 0, 0.5, 0.5, 1]}
mappings:
  - i: {core: 0.0, soma: loihi_inputs}
  - a: {core: ${aCore}}
`;
}
