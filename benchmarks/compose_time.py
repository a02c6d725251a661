"""The time Hydra takes to compose `train` (and to check a command line with it), mean over repeats in one process:
the cost of the configs themselves, apart from torch's import and any training. Compare two commits on one machine
by running each checkout's code in turn:

    python benchmarks/compose_time.py                                 # this checkout
    (cd OTHER && PYTHONPATH=. python /path/to/benchmarks/compose_time.py)  # another checkout's code
"""
from __future__ import annotations

import time

from hydra import compose, initialize_config_dir

import ganaug
from ganaug.utils.config import CONFIG_DIR, check_overrides

OVERRIDES = ["experiment=augmented_classic", "gan=dcgan"]
REPEATS = 20


def main() -> None:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        compose("train")  # the first composition loads the search path
        start = time.perf_counter()
        for _ in range(REPEATS):
            compose("train", overrides=OVERRIDES)
        per_compose = (time.perf_counter() - start) / REPEATS
    start = time.perf_counter()
    for _ in range(REPEATS):
        check_overrides(OVERRIDES, "train")
    per_check = (time.perf_counter() - start) / REPEATS
    print(f"ganaug from {ganaug.__file__}")
    print(f"compose('train', {OVERRIDES}): {per_compose * 1000:.0f} ms; check_overrides: {per_check * 1000:.0f} ms "
          f"(mean of {REPEATS})")


if __name__ == "__main__":
    main()
