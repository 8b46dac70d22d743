#!/usr/bin/python3
"""examples/regions.py — record only the part of a NumPy program you care about.

    blasshim run -o regions.jsonl -- /usr/bin/python3 examples/regions.py
    LD_PRELOAD=$PWD/build/libblasshim.so /usr/bin/python3 examples/regions.py   # absolute path

blasshim exports blasshim_pause(), blasshim_resume() and blasshim_mark(name)
(include/blasshim.h). Under the shim they are found in the process with ctypes; without it
the script still runs, and the calls below do nothing.
"""
import ctypes

import numpy as np


class Regions:
    """blasshim's region control, or no-ops when the shim is not preloaded."""

    def __init__(self):
        me = ctypes.CDLL(None)  # every library in the process, the preloaded shim included
        try:
            self._pause, self._resume, self._mark = (
                me.blasshim_pause, me.blasshim_resume, me.blasshim_mark)
            self._mark.argtypes = [ctypes.c_char_p]
            self.active = True
        except AttributeError:
            self._pause = self._resume = lambda: None
            self._mark = lambda name: None
            self.active = False

    def pause(self):
        self._pause()

    def resume(self):
        self._resume()

    def mark(self, name):
        self._mark(name.encode())


def main():
    r = Regions()
    rng = np.random.default_rng(0)
    w = rng.standard_normal((256, 256)).astype(np.float32)

    r.pause()                          # warm-up: not recorded
    for _ in range(10):
        _ = w @ w
    r.resume()

    for phase in ("small batch", "large batch"):
        r.mark(phase)                  # a {"type":"mark"} line in the report
        x = rng.standard_normal((16 if phase == "small batch" else 512, 256)).astype(np.float32)
        for _ in range(5):
            x = np.tanh(x @ w)
    print(f"shim {'active' if r.active else 'not loaded'}; done")


if __name__ == "__main__":
    main()
