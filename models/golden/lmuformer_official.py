# The official LMUFormer architectures in plain PyTorch, for make_lmuformer_golden.py.
#
# Written from github.com/zeyuliu1037/LMUFormer at commit 3bf561f1d0cbdc45fc586467fd49b377f4ef88ab:
# src/lmu_rnn.py (Block, ConvLMU, lmu_rnn_conv1d, slmu_rnn_ms_conv1d), src/blocks/lmu_cell.py (LMUFFTCell,
# SpikingLMUFFTCell), src/blocks/lmu.py (LMU, SLMUMs), src/blocks/conv1d_embedding.py (Tokenizer, Conv1d4EBMs),
# src/blocks/mlp.py (ConvFFN, ConvFFNMs) and src/utilities/util.py (get_act). Module names and registration order
# follow those files, so state_dicts carry the official keys (including the LMU buffers A, B, H, fft_H).
# Deviations, configuration only: seq_len = theta is a constructor argument (the official LMU/SLMUMs hard-code
# 128); scipy's cont2discrete(zoh) is written out as the expm of the augmented matrix (what scipy computes);
# spikingjelly's MultiStepLIFNode (cupy backend) is the plain loop below; DropPath/Dropout (inactive at eval)
# are left out.
import numpy as np
import torch
import torch.nn as nn
from torch import fft


class MultiStepLIFNode(nn.Module):
    """spikingjelly MultiStepLIFNode(tau, v_threshold, v_reset=0, decay_input=True), hard reset, over dim 0."""

    def __init__(self, tau=2.0, v_threshold=1.0, v_reset=0.0, detach_reset=True, layout="NCB"):
        super().__init__()
        self.tau, self.v_threshold, self.v_reset = tau, v_threshold, v_reset
        self.layout = layout  # how the caller lays out the sequence; used only to record spikes as [B, N, C]
        self.last = None

    def forward(self, x_seq):
        v = torch.full_like(x_seq[0], self.v_reset)
        out = []
        for x in x_seq:
            h = v + (x - (v - self.v_reset)) / self.tau
            s = (h >= self.v_threshold).to(x.dtype)  # spikingjelly's heaviside: 1 at h == v_th
            v = h * (1.0 - s) + self.v_reset * s
            out.append(s)
        self.last = torch.stack(out)
        return self.last


def get_act(act_type="spike", layout="NCB", **p):
    if act_type == "spike":
        return MultiStepLIFNode(**p, layout=layout)
    return {"relu": nn.ReLU, "gelu": nn.GELU, "identity": nn.Identity}[act_type]()


class LMUFFTCell(nn.Module):
    def __init__(self, input_size, hidden_size, memory_size, seq_len, theta):
        super().__init__()
        self.hidden_size, self.memory_size, self.seq_len, self.theta = hidden_size, memory_size, seq_len, theta
        self.W_u = nn.Linear(input_size, 1)
        self.f_u = nn.ReLU()
        self.W_h = nn.Linear(memory_size + input_size, hidden_size)
        self.f_h = nn.ReLU()
        A, B = self.stateSpaceMatrices()
        self.register_buffer("A", A)
        self.register_buffer("B", B)
        H, fft_H = self.impulse()
        self.register_buffer("H", H)
        self.register_buffer("fft_H", fft_H)
        self.last_u = self.last_m = None

    def stateSpaceMatrices(self):
        d = self.memory_size
        Q = np.arange(d, dtype=np.float64).reshape(-1, 1)
        R = (2 * Q + 1) / self.theta
        i, j = np.meshgrid(Q, Q, indexing="ij")
        A = R * np.where(i < j, -1, (-1.0) ** (i - j + 1))
        B = R * ((-1.0) ** Q)
        # cont2discrete(zoh, dt=1): expm([[A, B], [0, 0]]) = [[Abar, Bbar], [0, I]]
        em = np.zeros((d + 1, d + 1))
        em[:d, :d], em[:d, d:] = A, B
        ms = torch.linalg.matrix_exp(torch.from_numpy(em))
        return ms[:d, :d].float(), ms[:d, d:].float()  # the official buffers are float32

    def impulse(self):
        H, A_i = [], torch.eye(self.memory_size)
        for _ in range(self.seq_len):
            H.append(A_i @ self.B)
            A_i = self.A @ A_i
        H = torch.cat(H, dim=-1)
        return H, fft.rfft(H, n=2 * self.seq_len, dim=-1)

    def memory(self, u):
        """u [B, N, 1] → m [B, N, d]: the causal convolution with H through rfft/irfft (n = 2N)."""
        seq_len = u.shape[1]
        fft_u = fft.rfft(u.permute(0, 2, 1), n=2 * seq_len, dim=-1)
        m = fft.irfft(fft_u * self.fft_H.unsqueeze(0), n=2 * seq_len, dim=-1)[:, :, :seq_len]
        self.last_u, self.last_m = u, m.permute(0, 2, 1)
        return m  # [B, d, N]

    def forward(self, x):
        u = self.f_u(self.W_u(x))
        m = self.memory(u).permute(0, 2, 1)
        h = self.f_h(self.W_h(torch.cat((m, x), dim=-1)))
        return h, h[:, -1, :]


class SpikingLMUFFTCell(LMUFFTCell):
    def __init__(self, input_size, hidden_size, memory_size, seq_len, theta):
        super().__init__(input_size, hidden_size, memory_size, seq_len, theta)
        self.bn_u = nn.BatchNorm1d(1)
        self.f_u = get_act("spike", "NBC", tau=2.0, detach_reset=True)
        self.bn_m = nn.BatchNorm1d(memory_size)
        self.f_m = get_act("spike", "NCB", tau=2.0, detach_reset=True)
        self.bn_h = nn.BatchNorm1d(hidden_size)
        self.f_h = get_act("spike", "NBC", tau=2.0, detach_reset=True)

    def forward(self, x):
        u = self.f_u(self.bn_u(self.W_u(x).transpose(-1, -2)).permute(2, 0, 1).contiguous())
        u = u.permute(1, 0, 2).contiguous()  # [B, N, 1]
        m = self.memory(u)  # [B, d, N]
        m = self.f_m(self.bn_m(m).permute(2, 1, 0).contiguous()).permute(2, 1, 0).contiguous()
        m = m.permute(0, 2, 1)
        h = self.W_h(torch.cat((m, x), dim=-1)).transpose(-1, -2)
        h = self.f_h(self.bn_h(h).permute(2, 0, 1).contiguous()).permute(1, 0, 2).contiguous()
        return h, h[:, -1, :].unsqueeze(-1)


class LMU(nn.Module):
    def __init__(self, dim, seq_len):
        super().__init__()
        self.lmu = LMUFFTCell(dim, dim, dim, seq_len=seq_len, theta=seq_len)
        self.proj_conv = nn.Conv1d(dim, dim, kernel_size=1, stride=1)
        self.proj_bn = nn.BatchNorm1d(dim)

    def forward(self, x):
        h, _ = self.lmu(x.transpose(-1, -2).contiguous())
        return self.proj_bn(self.proj_conv(h.transpose(-1, -2).contiguous()))


class SLMUMs(nn.Module):
    def __init__(self, dim, seq_len):
        super().__init__()
        self.lmu = SpikingLMUFFTCell(dim, dim, int(dim * 2.0), seq_len=seq_len, theta=seq_len)
        self.prev_bn = nn.BatchNorm1d(dim)
        self.prev_lif = get_act("spike", "NCB", tau=2.0, v_threshold=0.5, detach_reset=True)
        self.proj_conv = nn.Conv1d(dim, dim, kernel_size=1, stride=1)
        self.proj_bn = nn.BatchNorm1d(dim)

    def forward(self, x):
        x = self.prev_lif(self.prev_bn(x).permute(2, 1, 0).contiguous()).permute(2, 0, 1).contiguous()
        h, _ = self.lmu(x)
        return self.proj_bn(self.proj_conv(h.transpose(-1, -2).contiguous()))


class ConvFFN(nn.Module):
    def __init__(self, dim, hidden, act_type):
        super().__init__()
        self.fc1_conv = nn.Conv1d(dim, hidden, kernel_size=1, stride=1)
        self.fc1_bn = nn.BatchNorm1d(hidden)
        self.fc1_lif = get_act(act_type if act_type == "spike" else "gelu", tau=2.0, detach_reset=True)
        self.fc2_conv = nn.Conv1d(hidden, dim, kernel_size=1, stride=1)
        self.fc2_bn = nn.BatchNorm1d(dim)
        self.fc2_lif = get_act(act_type, tau=2.0, detach_reset=True)

    def forward(self, x):  # the official permutes (2,1,0) around the activations; identity for ReLU/GELU
        x = self.fc1_lif(self.fc1_bn(self.fc1_conv(x)))
        return self.fc2_lif(self.fc2_bn(self.fc2_conv(x)))


class ConvFFNMs(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1_bn = nn.BatchNorm1d(dim)
        self.fc1_lif = get_act("spike", "NCB", tau=2.0, detach_reset=True)
        self.fc1_conv = nn.Conv1d(dim, hidden, kernel_size=1, stride=1)
        self.fc2_bn = nn.BatchNorm1d(hidden)
        self.fc2_lif = get_act("spike", "NCB", tau=2.0, detach_reset=True)
        self.fc2_conv = nn.Conv1d(hidden, dim, kernel_size=1, stride=1)

    def forward(self, x):
        x = self.fc1_conv(self.fc1_lif(self.fc1_bn(x).permute(2, 1, 0).contiguous()).permute(2, 1, 0).contiguous())
        x = self.fc2_lif(self.fc2_bn(x).permute(2, 1, 0).contiguous()).permute(2, 1, 0).contiguous()
        return self.fc2_conv(x)


class Tokenizer(nn.Module):
    def __init__(self, in_channels, embed_dims, n_conv_layers=4):
        super().__init__()
        f = [in_channels] + [embed_dims] * n_conv_layers
        self.conv_layers = nn.Sequential(*[
            nn.Sequential(
                nn.Conv1d(f[i], f[i + 1], kernel_size=3, stride=1, padding=1, bias=False),
                nn.ReLU(),
                nn.Identity(),  # the official MaxPool1d is inactive (`if i == -1`)
                nn.BatchNorm1d(f[i + 1]),
            )
            for i in range(n_conv_layers)
        ])
        self.rpe_conv = nn.Conv1d(embed_dims, embed_dims, kernel_size=3, stride=1, padding=1, bias=False)

    def forward(self, x):
        x = self.conv_layers(x.squeeze(1).permute(0, 2, 1).contiguous())
        return x + self.rpe_conv(x.clone())


class Conv1d4EBMs(nn.Module):
    def __init__(self, in_channels, embed_dims):
        super().__init__()
        c = lambda i, o: nn.Conv1d(i, o, kernel_size=3, stride=1, padding=1, groups=1, bias=False)  # noqa: E731
        self.proj_conv, self.proj_bn, self.proj_lif = c(in_channels, embed_dims), nn.BatchNorm1d(embed_dims), get_act()
        self.proj_conv1, self.proj_bn1, self.proj_lif1 = c(embed_dims, embed_dims), nn.BatchNorm1d(embed_dims), get_act()
        self.proj_conv2, self.proj_bn2, self.proj_lif2 = c(embed_dims, embed_dims), nn.BatchNorm1d(embed_dims), get_act()
        self.proj_conv3, self.proj_bn3, self.proj_lif3 = c(embed_dims, embed_dims), nn.BatchNorm1d(embed_dims), get_act()
        self.rpe_conv = c(embed_dims, embed_dims)

    def forward(self, x):
        bl = lambda bn, lif, y: lif(bn(y).permute(2, 1, 0).contiguous()).permute(2, 1, 0).contiguous()  # noqa: E731
        x = self.proj_conv(x.squeeze(1).permute(0, 2, 1).contiguous())
        x = self.proj_conv1(bl(self.proj_bn, self.proj_lif, x))
        x = self.proj_conv2(bl(self.proj_bn1, self.proj_lif1, x))
        x = self.proj_conv3(bl(self.proj_bn2, self.proj_lif2, x))
        return x + self.rpe_conv(bl(self.proj_bn3, self.proj_lif3, x.clone()))


class Block(nn.Module):
    def __init__(self, attn, mlp):
        super().__init__()
        self.attn, self.drop_path, self.mlp = attn, nn.Identity(), mlp  # drop_path is forced to 0

    def forward(self, x):
        x = x + self.attn(x)
        return x + self.mlp(x)


class ConvLMU(nn.Module):
    def __init__(self, spiking, dim, depth, in_channels, num_classes, mlp_ratio, seq_len):
        super().__init__()
        hidden = int(dim * mlp_ratio)
        if spiking:
            self.patch_embed = Conv1d4EBMs(in_channels, dim)
            blocks = [Block(SLMUMs(dim, seq_len), ConvFFNMs(dim, hidden)) for _ in range(depth)]
        else:
            self.patch_embed = Tokenizer(in_channels, dim)
            blocks = [Block(LMU(dim, seq_len), ConvFFN(dim, hidden, "relu")) for _ in range(depth)]
        self.block = nn.ModuleList(blocks)
        self.with_head_lif = spiking
        if spiking:
            self.head_bn = nn.BatchNorm1d(dim)
            self.head_lif = get_act("spike", tau=2.0, detach_reset=True)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        """x [B, N, C_in] → per-step head outputs [B, N, classes] (the official forward returns their mean)."""
        x = self.patch_embed(x.unsqueeze(1))
        for blk in self.block:
            x = blk(x)
        if self.with_head_lif:
            x = self.head_lif(self.head_bn(x).permute(2, 1, 0).contiguous()).permute(2, 1, 0).contiguous()
        return self.head(x.permute(0, 2, 1).contiguous())
