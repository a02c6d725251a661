"""`python -m ganaug.evaluate CHECKPOINT`: recompute the quality measures of a saved GAN.

CHECKPOINT is a finished run's `checkpoints/gan.ckpt`; the run's results give its config, so the data, the
fakes (the run's ratio and seed) and the measures are those of the run: FID, KID, CAS, label fidelity,
per-class diversity and the near-copy rate. Prints them and writes `evaluation.json` beside the results.
Run it from the folder the run was started in (a relative `data.root` is read from there). Settings:
`ganaug/conf/evaluate.yaml`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hydra
from omegaconf import DictConfig, OmegaConf

from ganaug.models.generator import load_gan
from ganaug.models.registry import NotAPart, check_run_config
from ganaug.pipeline.generator_stage import gan_measures, make_fakes
from ganaug.pipeline.runner import load_data, stage_settings
from ganaug.utils import results
from ganaug.utils.commands import run_command
from ganaug.utils.config import CONFIG_DIR, CONFIG_PATH, validate
from ganaug.utils.errors import UserError, exit_on_user_error
from ganaug.utils.files import write_json


def shipped_targets(*group_names: str) -> set[str]:
    """Every `_target_` the shipped options of `group_names` name (conf/trainer, conf/logger, ...), at any depth."""
    found: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            found.update([node["_target_"]] if isinstance(node.get("_target_"), str) else [])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for name in group_names:
        for path in sorted((Path(CONFIG_DIR) / name).glob("*.yaml")):
            collect(OmegaConf.to_container(OmegaConf.load(path)))  # unresolved: ${paths.root} is not set here
    return found


def evaluate(checkpoint: Path) -> dict:
    """The quality measures of the GAN in `checkpoint`, on the data and fakes of the run that saved it."""
    gan = load_gan(checkpoint)
    run_dir = checkpoint.resolve().parent.parent
    cfg = results.config_of_run(run_dir)
    try:
        check_run_config(cfg, also=shipped_targets("trainer", "logger"))  # a run names these besides its parts
    except NotAPart as error:
        raise UserError(f"{run_dir / results.FILENAME} {error}; refusing to use it") from None
    stages = stage_settings(cfg, run_dir)
    dm = load_data(stages.data, stages.pretraining.pretrain)
    fakes, labels = make_fakes(stages.generation, stages.work, gan, dm)
    measures = gan_measures(stages.generation, stages.work, gan, fakes, labels, dm)
    write_json(run_dir / "evaluation.json", measures)
    return measures


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="evaluate")
def main(cfg: DictConfig) -> None:
    with exit_on_user_error("ganaug.evaluate"):
        validate(cfg, "evaluate")
        print(json.dumps(evaluate(Path(cfg.checkpoint)), indent=2))


def cli(argv: list[str] | None = None) -> None:
    run_command("evaluate", main, argv)


if __name__ == "__main__":
    cli()
