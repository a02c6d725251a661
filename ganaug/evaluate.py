"""`python -m ganaug.evaluate CHECKPOINT`: recompute the quality measures of a saved GAN.

CHECKPOINT is a finished run's `checkpoints/gan.ckpt`; the run's results give its config, so the data, the
fakes (the run's ratio and seed) and the measures are those of the run: FID, KID, CAS, label fidelity,
per-class diversity and the near-copy rate. Prints them and writes `evaluation.json` beside the results.
Run it from the folder the run was started in (a relative `data.root` is read from there).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ganaug.models.checkpoints import load_gan
from ganaug.models.registry import NotAPart, check_run_config
from ganaug.pipeline.generator_stage import gan_measures, make_fakes
from ganaug.pipeline.runner import load_data
from ganaug.utils import results, runtime
from ganaug.utils.command_line import Command
from ganaug.utils.errors import UserError, exit_on_user_error
from ganaug.utils.files import write_json


COMMAND = Command("evaluate", "Recompute the quality measures of a finished run's checkpoints/gan.ckpt.")


def evaluate(checkpoint: Path) -> dict:
    """The quality measures of the GAN in `checkpoint`, on the data and fakes of the run that saved it."""
    gan = load_gan(checkpoint)
    run_dir = checkpoint.resolve().parent.parent
    cfg = results.config_of_run(run_dir)
    try:
        check_run_config(cfg)
    except NotAPart as error:
        raise UserError(f"{run_dir / results.FILENAME} {error}; refusing to use it") from None
    dm = load_data(cfg)
    fakes, labels = make_fakes(cfg, gan, dm, run_dir)
    measures = gan_measures(cfg, gan, fakes, labels, dm, run_dir)
    write_json(run_dir / "evaluation.json", measures)
    return measures


def main(argv: list[str] | None = None) -> None:
    runtime.setup()
    with exit_on_user_error("ganaug.evaluate"):
        checkpoint, _, _ = COMMAND.parse(sys.argv[1:] if argv is None else argv)
        print(json.dumps(evaluate(checkpoint), indent=2))


if __name__ == "__main__":
    main()
