"""`python -m ganaug.pretrain [gan=...] [KEY=VALUE ...] [--ship]`: the networks that `pretrain=builtin` starts from
(the configured classifier and GAN trained on the built-in pool): where they are and how well they do.

The package ships them for the default networks; for other network configs they are trained here once and cached
(runs that need them train them on first use otherwise). `--ship` trains them into the cache and writes them into
ganaug/assets/pretrained/ (weights in float16, with the pool's fingerprint and their held-out measures): the command
that rebuilds the shipped files.
"""
from __future__ import annotations

import sys
from pathlib import Path

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from ganaug.evaluation.quality import gan_quality
from ganaug.models.generator import load_gan
from ganaug.models.digit_features import DigitFeatures
from ganaug.models.registry import spec
from ganaug.pipeline import starting_points
from ganaug.pipeline.settings import Pretraining
from ganaug.pipeline.starting_points import CLASSIFIER_KEYS, GAN_KEYS, SOURCES
from ganaug.utils import runtime
from ganaug.utils.config import CONFIG_PATH, check_overrides, detached, split_flags, validate
from ganaug.utils.errors import exit_on_user_error
from ganaug.utils.files import atomic_write
from ganaug.utils.trainers import Workspace, thread_count

SHIP = "--ship"
SHIPPING = [False]  # whether the command line said --ship: not a setting of the config, so cli() keeps it here
HYDRA_HELP = "--hydra-help"


def gan_measures(checkpoint) -> dict:
    """FID, KID and label fidelity of the pool-trained GAN: 5,000 fakes (as many of each class as the pool holds)
    against the held-out half."""
    gan, dm = load_gan(checkpoint), starting_points.pool()
    with torch.random.fork_rng():
        torch.manual_seed(0)
        fakes = gan.sample(dm.train_y, seed=0)
        quality = gan_quality(DigitFeatures.load(), fakes, dm.train_y, dm.train_x, dm.train_y, dm.test_x, dm.test_y, 10)
    return {k: quality[k] for k in ("fid", "kid", "label_fidelity", "diversity_min")}


def ship(settings: Pretraining, what: str, state: dict, measures: dict, command: str) -> None:
    """Write a pool-trained network into the package's assets, in float16, with what it was trained on."""
    path = starting_points.shipped(settings, what, *(CLASSIFIER_KEYS if what == "classifier" else GAN_KEYS))
    kept = {k: v.half() if v.is_floating_point() else v for k, v in state.items() if k not in SOURCES}
    saved = {"state_dict": kept, "pool": starting_points.pool_fingerprint(), "measures": measures, "command": command,
             **({"net": spec(settings.classifier.module.net)} if what == "classifier" else {})}
    atomic_write(path, lambda tmp: torch.save(saved, tmp))
    print(f"shipped {path}")


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="train")
def main(cfg: DictConfig) -> None:
    runtime.setup(thread_count(cfg.threads, HydraConfig.get().launcher))
    with exit_on_user_error("ganaug.pretrain"):
        validate(cfg)
    shipping = SHIPPING[0]
    given = [o for o in HydraConfig.get().overrides.task if not o.startswith("pretrain=")]
    command = " ".join(["python -m ganaug.pretrain", *given, SHIP])
    settings = Pretraining(detached(cfg.pretrain), detached(cfg.classifier), detached(cfg.gan))
    work = Workspace.of(cfg, Path(HydraConfig.get().runtime.output_dir))
    classifier_shipped = starting_points.shipped(settings, "classifier", *CLASSIFIER_KEYS)
    if classifier_shipped.is_file() and not shipping:
        print(f"classifier: shipped with the package, {classifier_shipped}")
    else:
        trained = starting_points.trained_classifier(settings, work)
        print(f"classifier: {starting_points.entry(settings, 'classifier', *CLASSIFIER_KEYS)} "
              f"(held-out accuracy on the built-in test half {trained['held_out_acc']:.4f})")
        if shipping:
            ship(settings, "classifier", trained["state_dict"], {"held_out_acc": trained["held_out_acc"]}, command)
    gan_shipped = starting_points.shipped(settings, "gan", *GAN_KEYS)
    if gan_shipped.is_file() and not shipping:
        print(f"GAN: shipped with the package, {gan_shipped}")
    else:
        checkpoint = starting_points.trained_gan(settings, work)
        measures = gan_measures(checkpoint)
        print(f"GAN: {checkpoint} (FID {measures['fid']:.2f} against the built-in test half)")
        if shipping:
            ship(settings, "gan", torch.load(checkpoint, map_location="cpu", weights_only=True)["state_dict"], measures, command)


# The networks train and log under pretrain.cache_dir: Hydra's run folder and log file would be empty records.
NO_RUN_FOLDER = ("hydra.run.dir=.", "hydra.output_subdir=null", "hydra/job_logging=stdout")


def cli(argv: list[str]) -> None:
    """The command line: `--ship` and `pretrain=` read here, the rest checked and given to Hydra."""
    runtime.setup()
    if HYDRA_HELP in argv:  # Hydra's help composes its own config alone, which has no `pretrain` group to set
        sys.argv[1:] = argv
        main()
        return
    flags, rest = split_flags(argv)
    settings = [arg for arg in rest if not arg.startswith("pretrain=") and arg != SHIP]
    chosen = {arg.partition("=")[0] for arg in settings}
    settings += [arg for arg in NO_RUN_FOLDER if arg.partition("=")[0] not in chosen]
    # Hydra's flags last: `--info` reads the word after it as what to show
    SHIPPING[0] = SHIP in argv
    sys.argv[1:] = settings + ["pretrain=builtin"] + flags
    with exit_on_user_error("ganaug.pretrain"):
        check_overrides(sys.argv[1:], "train")
    main()


if __name__ == "__main__":
    cli(sys.argv[1:])
