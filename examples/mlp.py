#!/usr/bin/python3
"""examples/mlp.py — a small multilayer perceptron trained with plain NumPy (float32).

Every forward and backward pass is matrix products (sgemm calls of several shapes,
some with transposed operands), which is what the shim profiles and re-routes:

    blasshim run -o sys.jsonl -- /usr/bin/python3 examples/mlp.py
    blasshim run -k naive -o naive.jsonl -- /usr/bin/python3 examples/mlp.py
    blasshim report compare sys.jsonl naive.jsonl
    LD_PRELOAD=$PWD/build/libblasshim.so /usr/bin/python3 examples/mlp.py   # without the launcher

Options: --epochs N, --batch N, --hidden N, --seed N. Prints the loss and accuracy per epoch
and, last, the number of matrix products it made ("matmuls N").
"""
import argparse

import numpy as np


def make_data(rng, n, features, classes):
    """Points around one random centre per class, with noise: learnable but not trivial."""
    centres = rng.normal(0, 0.35, (classes, features)).astype(np.float32)
    labels = rng.integers(0, classes, n)
    x = centres[labels] + rng.normal(0, 1.0, (n, features)).astype(np.float32)
    return x.astype(np.float32), labels


class MLP:
    def __init__(self, rng, sizes):
        self.w = [(rng.normal(0, np.sqrt(2.0 / a), (a, b))).astype(np.float32)
                  for a, b in zip(sizes[:-1], sizes[1:])]
        self.b = [np.zeros(b, np.float32) for b in sizes[1:]]
        self.matmuls = 0

    def forward(self, x):
        acts = [x]
        for i, (w, b) in enumerate(zip(self.w, self.b)):
            z = acts[-1] @ w + b
            self.matmuls += 1
            acts.append(np.maximum(z, 0) if i < len(self.w) - 1 else z)
        return acts

    def step(self, x, y, lr):
        acts = self.forward(x)
        logits = acts[-1]
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
        grad = p
        grad[np.arange(len(y)), y] -= 1
        grad /= len(y)
        for i in reversed(range(len(self.w))):
            gw = acts[i].T @ grad                  # transposed operand: sgemm with 'T'
            gb = grad.sum(axis=0)
            self.matmuls += 1
            if i > 0:
                grad = (grad @ self.w[i].T) * (acts[i] > 0)
                self.matmuls += 1
            self.w[i] -= lr * gw
            self.b[i] -= lr * gb
        return float(loss)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--samples", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    features, classes = 64, 10
    x, y = make_data(rng, args.samples, features, classes)
    net = MLP(rng, [features, args.hidden, args.hidden // 2, classes])
    for epoch in range(args.epochs):
        order = rng.permutation(len(x))
        losses = [net.step(x[order[i:i + args.batch]], y[order[i:i + args.batch]], 0.05)
                  for i in range(0, len(x), args.batch)]
        acc = (net.forward(x)[-1].argmax(axis=1) == y).mean()
        print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f} accuracy {acc:.3f}")
    print(f"matmuls {net.matmuls}")


if __name__ == "__main__":
    main()
