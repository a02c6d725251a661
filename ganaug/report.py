"""`python -m ganaug.report SWEEP_DIR... [out=DIR] [curve=true]`: mean ± 95 % CI per configuration over seeds, each
run paired with its real-only control (settings: `ganaug/conf/report.yaml`)."""
from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from ganaug.evaluation.sweep_report import write_report
from ganaug.utils.commands import run_command
from ganaug.utils.config import CONFIG_PATH, validate
from ganaug.utils.errors import UserError, exit_on_user_error


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="report")
def main(cfg: DictConfig) -> None:
    with exit_on_user_error("ganaug.report"):
        validate(cfg, "report")
        sweeps = [Path(folder) for folder in cfg.sweeps]
        missing = [str(folder) for folder in sweeps if not folder.is_dir()]
        if missing:
            raise UserError(f"no such folder: {', '.join(missing)}")
        out = Path(cfg.out) if cfg.out else sweeps[0]
        text, _ = write_report(sweeps, out, cfg.curve)
    print(text + f"\nwritten to {out}: report.md report.csv accuracy_vs_ratio.png curves.png"
          + (" learning_curve.png" if cfg.curve else ""))


def cli(argv: list[str] | None = None) -> None:
    run_command("report", main, argv)


if __name__ == "__main__":
    cli()
