"""`python -m ganaug.export CHECKPOINT out=FILE.onnx`: a run's classifier as an ONNX model that runs without ganaug
or torch (`ganaug.inference.onnx_export` says what goes in and comes out; settings: `ganaug/conf/export.yaml`).
Needs `pip install 'ganaug[export]'`."""
from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from ganaug.inference.onnx_export import export_onnx
from ganaug.inference.predictor import Predictor
from ganaug.utils.commands import run_command
from ganaug.utils.config import CONFIG_PATH, validate
from ganaug.utils.errors import exit_on_user_error


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="export")
def main(cfg: DictConfig) -> None:
    with exit_on_user_error("ganaug.export"):
        validate(cfg, "export")
        predictor = Predictor.load(Path(cfg.checkpoint))
        export_onnx(predictor.classifier, Path(cfg.out))
    print(f"wrote {cfg.out}: input 'image' N x 1 x 28 x 28 float32 in [0, 1], output 'probabilities' N x "
          f"{len(predictor.class_names)}, classes {predictor.class_names}")


def cli(argv: list[str] | None = None) -> None:
    run_command("export", main, argv)


if __name__ == "__main__":
    cli()
