"""`python -m ganaug.prepare data=... [export=DIR]`: see what the model will see before training on it;
`python -m ganaug.prepare sheet=PHOTO out=DIR rows=R cols=C labels=...`: cut a sheet of digits into a folder.

Prints the image counts per class and split, writes `preview_train.png` and `preview_test.png` (up to 10
preprocessed images per class) into the Hydra output folder, and with `export=DIR` writes the few-shot
training set and the test set as PNGs in the layout `data=folder` reads back.
"""
from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from ganaug.data.sheets import cut
from ganaug.pipeline.overview import look_at_data
from ganaug.pipeline.settings import LabelCheck, Pretraining
from ganaug.utils import runtime
from ganaug.utils.config import CONFIG_PATH, check_overrides, detached, validate
from ganaug.utils.errors import exit_on_user_error
from ganaug.utils.trainers import Workspace


def label_check_settings(cfg: DictConfig, output_dir: Path) -> tuple[LabelCheck, Workspace]:
    """The label check's own settings, cut out of `prepare`'s config, and the workspace its folds train in."""
    checking = LabelCheck(detached(cfg.check), cfg.seed, Pretraining(detached(cfg.pretrain), detached(cfg.classifier)))
    return checking, Workspace.of(cfg, output_dir)


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="prepare")
def main(cfg: DictConfig) -> None:
    if cfg.sheet:
        cut(cfg)
        return
    with exit_on_user_error("ganaug.prepare"):
        validate(cfg, "prepare")
    checking, work = label_check_settings(cfg, Path(HydraConfig.get().runtime.output_dir))
    look_at_data(detached(cfg.data), checking, work, cfg.export)


def cli(argv: list[str]) -> None:
    """The command line: a key the config does not have is one line; the rest goes to Hydra."""
    sys.argv[1:] = argv
    runtime.setup()
    with exit_on_user_error("ganaug.prepare"):
        check_overrides(argv, "prepare")
    main()


if __name__ == "__main__":
    cli(sys.argv[1:])
