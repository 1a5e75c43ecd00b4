# Golden fixtures for the zoo's LMUFormer (`lmu_rnn_conv1d`) and Spiking LMUFormer (`slmu_rnn_ms_conv1d`).
# Run: /usr/bin/python3 models/golden/make_lmuformer_golden.py   (PyTorch 1.13, numpy; no scipy, no spikingjelly)
#
# The models are lmuformer_official.py, written from github.com/zeyuliu1037/LMUFormer at commit
# 3bf561f1d0cbdc45fc586467fd49b377f4ef88ab (src/lmu_rnn.py, src/blocks/{lmu_cell,lmu,conv1d_embedding,mlp}.py,
# src/utilities/util.py). Reduced configuration, seeded random weights with non-trivial BatchNorms, eval mode.
# Writes fixtures/: the state_dicts (.pth, official keys), inputs, per-step head outputs, the LMU memory of the
# FFT-parallel cell, the spike trains of every LIF of the spiking model, and manifest.json (config, statistics).
import json
import os

import numpy as np
import torch
import torch.nn as nn

from lmuformer_official import ConvLMU, MultiStepLIFNode, SpikingLMUFFTCell

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
SEED = 20240402
CFG = dict(dim=32, depth=1, inChannels=16, numClasses=5, mlpRatio=4, theta=32)
BATCH = 4
SEQ = CFG["theta"]  # the FFT cell needs seq_len == the input length (fft_H is built for seq_len)


def randomize(model, x_cal, gen):
    """Seeded, non-trivial BatchNorms: random γ/β, running stats measured on x_cal (train mode, momentum None,
    i.e. the plain batch statistics) and then perturbed, so that every normalisation is far from identity but
    activations stay in a range where the LIFs fire at moderate rates."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]
    with torch.no_grad():
        for bn in bns:
            c = bn.num_features
            bn.weight.copy_(0.8 + 1.2 * torch.rand(c, generator=gen))
            bn.bias.copy_(0.3 + 0.3 * torch.randn(c, generator=gen))
            bn.momentum = None
        model.train()
        model(x_cal)
        for bn in bns:
            c = bn.num_features
            bn.running_mean.add_(0.2 * torch.randn(c, generator=gen) * bn.running_var.sqrt())
            bn.running_var.mul_(0.7 + 0.7 * torch.rand(c, generator=gen))
            bn.momentum = 0.1
        for m in model.modules():  # a higher u firing rate gives the spiking memory more than a few impulses
            if isinstance(m, SpikingLMUFFTCell):
                m.bn_u.bias.add_(0.6)
    model.eval()


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array))


def lif_spikes(model):
    """Recorded LIF outputs as [B, N, C] uint8, keyed by module path (= the zoo's node id)."""
    out = {}
    for path, m in model.named_modules():
        if isinstance(m, MultiStepLIFNode):
            s = m.last.permute(1, 0, 2) if m.layout == "NBC" else m.last.permute(2, 0, 1)
            out[path] = s.detach().numpy().astype(np.uint8)
    return out


def exact_memory(cell, u):
    """The recurrence m_t = Abar m_{t-1} + Bbar u_t with Abar, Bbar kept in float64 (the official buffers are
    float32): how far the official FFT memory is from the exact LMU, to read the TS comparison against."""
    d = cell.memory_size
    Q = np.arange(d, dtype=np.float64).reshape(-1, 1)
    i, j = np.meshgrid(Q, Q, indexing="ij")
    em = np.zeros((d + 1, d + 1))
    em[:d, :d] = (2 * Q + 1) / cell.theta * np.where(i < j, -1, (-1.0) ** (i - j + 1))
    em[:d, d:] = (2 * Q + 1) / cell.theta * ((-1.0) ** Q)
    ms = torch.linalg.matrix_exp(torch.from_numpy(em))
    m, out = torch.zeros(u.shape[0], d, dtype=torch.float64), []
    for t in range(u.shape[1]):
        m = m @ ms[:d, :d].T + u[:, t].double() @ ms[:d, d:].T
        out.append(m)
    return torch.stack(out, dim=1)


def build(spiking, dtype, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    model = ConvLMU(spiking, CFG["dim"], CFG["depth"], CFG["inChannels"], CFG["numClasses"], CFG["mlpRatio"], SEQ)
    with torch.no_grad():
        for blk in model.block:  # a positive W_u bias keeps u = ReLU(W_u x + b) (and its spikes) away from zero
            blk.attn.lmu.W_u.bias.fill_(0.5)
    if dtype == torch.float64:
        model.double()
    x = torch.randn(BATCH, SEQ, CFG["inChannels"], generator=gen).to(dtype)
    randomize(model, torch.randn(16, SEQ, CFG["inChannels"], generator=gen).to(dtype), gen)
    return model, x


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {"config": CFG, "batch": BATCH, "seed": SEED, "official": "zeyuliu1037/LMUFormer@3bf561f1"}

    # LMUFormer in float64: the comparison then measures the architecture, not float32 rounding.
    model, x = build(False, torch.float64, SEED)
    with torch.no_grad():
        head = model(x)
    lmu = model.block[0].attn.lmu
    torch.save(model.state_dict(), os.path.join(OUT, "lmuformer.pth"))
    save("lmuformer_input.npy", x.numpy())
    save("lmuformer_head.npy", head.numpy())
    save("lmuformer_memory.npy", lmu.last_m.numpy())
    manifest["lmuformer"] = {
        "dtype": "float64",
        "u_positive": float((lmu.last_u > 0).double().mean()),
        "head_absmax": float(head.abs().max()),
        "memory_vs_float64_lmu_maxabs": float((lmu.last_m - exact_memory(lmu, lmu.last_u)).abs().max()),
    }

    # Spiking LMUFormer in float32 (the official dtype), and in float64 to see how many spikes float32 flips.
    runs = {}
    for dtype in (torch.float32, torch.float64):
        model, x = build(True, dtype, SEED + 7)
        with torch.no_grad():
            runs[dtype] = (model, x, model(x))
    model, x, head = runs[torch.float32]
    spikes, spikes64 = lif_spikes(model), lif_spikes(runs[torch.float64][0])
    torch.save(model.state_dict(), os.path.join(OUT, "slmu.pth"))
    save("slmu_input.npy", x.numpy())
    save("slmu_head.npy", head.numpy())
    save("slmu_memory.npy", model.block[0].attn.lmu.last_m.numpy())
    for path, s in spikes.items():
        save(f"slmu_spikes.{path}.npy", s)
    cell = model.block[0].attn.lmu
    manifest["slmu"] = {
        "dtype": "float32",
        "memory_vs_float64_lmu_maxabs": float((cell.last_m.double() - exact_memory(cell, cell.last_u)).abs().max()),
        "lif": {
            p: {
                "shape": list(s.shape),
                "rate": float(s.mean()),
                "agreement_f32_vs_f64": float((s == spikes64[p]).mean()),
            }
            for p, s in spikes.items()
        },
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(json.dumps(manifest, indent=2))
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"fixtures: {total} bytes")


if __name__ == "__main__":
    main()
