#!/usr/bin/env python3
"""PyTorch CPU reference for geomad's throughput bench (issue 7).

Same architectures as geomad's tfjs models: WRN-10-4 (docs/protocol.md: pre-activation basic blocks,
1x1 conv shortcut on the pre-activated input when widths differ, widths 16/64/128/256, strides
1,2,2, BN-ReLU, 8x8 average pool, dense) and the small CNN of the quick preset. Measures
training images/s (forward + backward + Adam, batch 128) and inference images/s (softmax
outputs, no grad). Prints one JSON object on stdout.

The training loss is geomad's (lib/models/init.ts): cross-entropy plus Keras-style L2,
2.5e-4 * sum of squares of every trainable weight (conv and dense kernels, dense bias, BN gamma
and beta: all of these models' parameters), summed in float32 outside autocast and added before
backward, so both frameworks do the same math. `--no-l2` trains on cross-entropy alone.

Usage: /usr/bin/python3 bench/torch_wrn.py [--model wrn|cnn] [--channels 3] [--classes 72]
       [--batch 128] [--steps 10] [--warmup 2] [--infer-batches 10] [--threads 2]
       [--precision fp32|bf16] [--no-l2] [--profile N]

`--profile N` also runs torch.profiler over the timed training steps (after the warm-up) and adds
"trainProfile" to the JSON: the N ops with the most self CPU time, in ms per step (time on the
calling thread inside the op and not in its child ops; an op's OpenMP workers are not counted
separately, so on two threads this is the op's critical path), and prints the table on stderr.
"""
import argparse
import json
import os
import sys
import time

# geomad's weight decay (lib/models/init.ts WEIGHT_DECAY): Keras l2(2.5e-4) on conv/dense
# kernels, dense bias and BN gamma/beta
WEIGHT_DECAY = 2.5e-4


def build_wrn(nn, channels, classes, depth=10, k=4):
    n = (depth - 4) // 6
    widths = [16, 16 * k, 32 * k, 64 * k]

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.bn1 = nn.BatchNorm2d(cin, eps=1e-5, momentum=0.1)
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.short = None if cin == cout and stride == 1 else nn.Conv2d(
                cin, cout, 1, stride, 0, bias=False)

        def forward(self, x):
            a = nn.functional.relu(self.bn1(x))
            y = self.conv2(nn.functional.relu(self.bn2(self.conv1(a))))
            return y + (x if self.short is None else self.short(a))

    layers = [nn.Conv2d(channels, widths[0], 3, 1, 1, bias=False)]
    cin = widths[0]
    for g, stride in zip(range(3), (1, 2, 2)):
        for i in range(n):
            layers.append(Block(cin, widths[g + 1], stride if i == 0 else 1))
            cin = widths[g + 1]
    layers += [nn.BatchNorm2d(cin, eps=1e-5, momentum=0.1), nn.ReLU(), nn.AvgPool2d(8), nn.Flatten(),
               nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def build_cnn(nn, channels, classes):
    """geomad's small CNN (lib/models/small_cnn.ts): three conv3x3-BN-ReLU stages (32, 64, 128)
    with 2x2 max pooling between them, 2x2 average pooling, flatten, dense."""
    layers, cin = [], channels
    for i, f in enumerate((32, 64, 128)):
        if i > 0:
            layers.append(nn.MaxPool2d(2))
        layers += [nn.Conv2d(cin, f, 3, 1, 1, bias=False), nn.BatchNorm2d(f, eps=1e-5, momentum=0.1), nn.ReLU()]
        cin = f
    layers += [nn.AvgPool2d(2), nn.Flatten(), nn.Linear(cin * 4 * 4, classes)]
    return nn.Sequential(*layers)


def conv_macs(model, torch, channels):
    """Multiply-accumulates per image of the conv and linear layers (forward)."""
    total = 0
    hooks = []

    def hook(mod, inp, out):
        nonlocal total
        if isinstance(mod, torch.nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels
            total += out.shape[1] * out.shape[2] * out.shape[3] * k
        elif isinstance(mod, torch.nn.Linear):
            total += mod.in_features * mod.out_features

    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model.eval()
        model(torch.zeros(1, channels, 32, 32))
    for h in hooks:
        h.remove()
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="wrn", choices=["wrn", "cnn"])
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--classes", type=int, default=72)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--infer-batches", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                   help="bf16: torch.cpu.amp.autocast(dtype=torch.bfloat16), channels-last")
    p.add_argument("--no-l2", dest="l2", action="store_false",
                   help="train on cross-entropy alone (default: plus geomad's L2 terms, "
                        f"{WEIGHT_DECAY:g} * sum of squares of every weight)")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="profile the timed training steps with torch.profiler; report the N ops "
                        "with the most self CPU time per step")
    a = p.parse_args()
    if a.profile < 0:
        p.error("--profile must be a non-negative integer")
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"error": f"Cannot import torch: {e}"}))
        return 1
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    nn = torch.nn
    model = (build_wrn if a.model == "wrn" else build_cnn)(nn, a.channels, a.classes)
    macs = conv_macs(model, torch, a.channels)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    x = torch.rand(a.batch, a.channels, 32, 32) * 2 - 1
    y = torch.randint(0, a.classes, (a.batch,))
    loss_fn = nn.CrossEntropyLoss()
    bf16 = a.precision == "bf16"
    if bf16:
        # oneDNN's bf16 convolutions want NHWC; autocast keeps weights and Adam in f32
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)

    def autocast():
        return torch.cpu.amp.autocast(enabled=bf16, dtype=torch.bfloat16)

    # every parameter of these models is a conv/dense kernel, a dense bias or a BN gamma/beta:
    # geomad puts L2 on each of them (BN running statistics are buffers, not parameters)
    decayed = list(model.parameters()) if a.l2 else []

    def step():
        opt.zero_grad(set_to_none=True)
        with autocast():
            loss = loss_fn(model(x), y)
        if decayed:
            # outside autocast: the f32 master weights, squared and summed in f32
            loss = loss + WEIGHT_DECAY * torch.stack([w.square().sum() for w in decayed]).sum()
        loss.backward()
        opt.step()
        return float(loss)

    model.train()
    for _ in range(a.warmup):
        step()
    prof = None
    if a.profile:
        from torch.profiler import profile, ProfilerActivity
        prof = profile(activities=[ProfilerActivity.CPU])
        prof.__enter__()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
    train_profile = None
    if prof is not None:
        prof.__exit__(None, None, None)
        ops = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
        train_profile = [{"op": e.key, "callsPerStep": e.count / a.steps,
                          "selfMsPerStep": e.self_cpu_time_total / 1e3 / a.steps,
                          "totalMsPerStep": e.cpu_time_total / 1e3 / a.steps}
                         for e in ops[:a.profile]]
        total = sum(e.self_cpu_time_total for e in ops) / 1e3 / a.steps
        print(f"torch.profiler, {a.steps} training steps: self CPU ms per step "
              f"(all ops {total:.1f}; step wall {train_s * 1e3 / a.steps:.1f} ms)", file=sys.stderr)
        for r in train_profile:
            print(f"  {r['selfMsPerStep']:8.2f}  {r['callsPerStep']:6.1f} calls  {r['op']}",
                  file=sys.stderr)
    model.eval()
    with torch.no_grad(), autocast():
        for _ in range(max(1, a.warmup)):
            torch.softmax(model(x).float(), 1)
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.infer_batches):
            torch.softmax(model(x).float(), 1)
        infer_s, infer_cpu = time.perf_counter() - t0, time.process_time() - c0
    train_ips = a.steps * a.batch / train_s
    infer_ips = a.infer_batches * a.batch / infer_s
    out = {
        "framework": "pytorch",
        "version": torch.__version__,
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "threads": torch.get_num_threads(),
        "precision": a.precision,
        "l2": WEIGHT_DECAY if a.l2 else 0,
        "model": a.model,
        "channels": a.channels,
        "classes": a.classes,
        "batch": a.batch,
        "params": params,
        "macsPerImage": macs,
        "trainSteps": a.steps,
        "trainImagesPerSec": train_ips,
        "inferImagesPerSec": infer_ips,
        # process CPU seconds (all threads) per batch: robust to other people's load
        "trainCpuSecPerBatch": train_cpu / a.steps,
        "inferCpuSecPerBatch": infer_cpu / a.infer_batches,
        # forward + backward ~ 3x the forward multiply-adds, 2 flops each
        "trainGflops": train_ips * macs * 6 / 1e9,
        "inferGflops": infer_ips * macs * 2 / 1e9,
        "loadavg": list(os.getloadavg()),
    }
    if train_profile is not None:
        out["trainProfile"] = train_profile
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
