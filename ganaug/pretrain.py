"""`python -m ganaug.pretrain [gan=...] [KEY=VALUE ...]`: train, ahead of a sweep, the networks that
`pretrain=builtin` starts from (the configured classifier and GAN on the built-in pool), and print where they are
and the classifier's held-out accuracy. Runs that need them train them on first use otherwise."""
from __future__ import annotations

import json
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from ganaug.pipeline import starting_points
from ganaug.utils import runtime
from ganaug.utils.config import CONFIG_DIR, check_overrides, validate
from ganaug.utils.errors import exit_on_user_error
from ganaug.utils.trainers import thread_count


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def main(cfg: DictConfig) -> None:
    runtime.setup(thread_count(cfg.threads, HydraConfig.get().launcher))
    with exit_on_user_error("ganaug.pretrain"):
        validate(cfg)
    starting_points.classifier_state(cfg)
    classifier = starting_points.entry(cfg, "classifier", *starting_points.CLASSIFIER_KEYS)
    held_out = json.loads(classifier.with_suffix(".json").read_text())["held_out_acc"]
    print(f"classifier: {classifier} (held-out accuracy on the built-in test half {held_out:.4f})")
    starting_points.gan_state(cfg)
    print(f"GAN: {starting_points.entry(cfg, 'gan', *starting_points.GAN_KEYS)}")


if __name__ == "__main__":
    runtime.setup()
    sys.argv[1:] = [arg for arg in sys.argv[1:] if not arg.startswith("pretrain=")] + ["pretrain=builtin"]
    with exit_on_user_error("ganaug.pretrain"):
        check_overrides(sys.argv[1:], "train")
    main()
