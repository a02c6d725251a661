"""The end of a multirun answers its question: a Hydra callback (`hydra.callbacks.report` in conf/hydra/default.yaml)
that writes the sweep's report into its folder and prints the short summary, whatever launched the runs."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from ganaug.evaluation.sweep_report import write_report
from ganaug.utils.errors import UserError

log = logging.getLogger(__name__)


def searched(config: DictConfig) -> bool:
    """Whether the multirun was a search (a sweeper that optimises), not a grid."""
    return "optuna" in str(OmegaConf.select(config, "hydra.sweeper._target_", default=""))


class ReportAtSweepEnd(Callback):
    """On `on_multirun_end`: report.md, report.csv and the plots in the sweep folder, and the summary printed (for a
    search, the chosen settings by the runs' validation measure and their test result, read once)."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        chosen_by = config.get("optimized_metric") if searched(config) else None
        try:
            _, summary = write_report([sweep_dir], sweep_dir, chosen_by=chosen_by)
        except UserError as error:  # no run finished: say so, the runs' own errors are above
            print(f"ganaug: no report: {error}")
            return
        print(f"\n{summary}\nreport: {sweep_dir / 'report.md'}", flush=True)
