"""`python -m ganaug.evaluate CHECKPOINT`: recompute the quality measures of a saved GAN.

CHECKPOINT is a finished run's `checkpoints/gan.ckpt`; the run's `metrics.json` gives the config, so the
data, the fakes (the run's ratio and seed) and the measures are those of the run: FID, KID, CAS, label
fidelity, per-class diversity and the near-copy rate. Prints them and writes `evaluation.json` beside
`metrics.json`. Run it from the folder the run was started in (a relative `data.root` is read from there).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from hydra.utils import instantiate

from ganaug.errors import UserError
from ganaug.files import write_json
from ganaug.generate import load_gan
from ganaug.train import gan_measures, make_fakes


def evaluate(checkpoint: Path) -> dict:
    """The quality measures of the GAN in `checkpoint`, on the data and fakes of the run that saved it."""
    gan, cfg, _ = load_gan(checkpoint)
    run_dir = checkpoint.resolve().parent.parent
    dm = instantiate(cfg.data)
    dm.setup()
    fakes, labels = make_fakes(cfg, gan, dm, run_dir)
    measures = gan_measures(cfg, gan, fakes, labels, dm, run_dir)
    write_json(run_dir / "evaluation.json", measures)
    return measures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m ganaug.evaluate CHECKPOINT (a run's checkpoints/gan.ckpt)", file=sys.stderr)
        return 2
    try:
        measures = evaluate(Path(argv[0]))
    except UserError as error:
        print(f"ganaug.evaluate: error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(measures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
