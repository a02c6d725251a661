"""`python -m ganaug.train experiment=NAME [KEY=VALUE ...] [-m]`: one run (or a sweep) of the pipeline in
`ganaug.pipeline.runner`, its results in the Hydra output folder."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from ganaug.pipeline.runner import run
from ganaug.utils import results, runtime
from ganaug.utils.config import CONFIG_PATH, check_overrides
from ganaug.utils.errors import Diverged, exit_on_user_error
from ganaug.utils.launching import check_launcher, default_launcher
from ganaug.utils.search_space import check_search
from ganaug.utils.trainers import thread_count

log = logging.getLogger(__name__)
# A parallel launcher's worker imports this module to run a job, and names the job's folder before `main` runs.
runtime.setup()


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="train")
def main(cfg: DictConfig) -> float:
    """One run; returns `optimized_metric` (a validation measure) for a sweeper that optimises."""
    hydra_cfg = HydraConfig.get()
    runtime.setup(thread_count(cfg.threads, hydra_cfg.launcher))
    output_dir = Path(hydra_cfg.runtime.output_dir)
    if cfg.resume and (previous := results.finished(output_dir)):
        log.info("skipping %s: finished before (test_acc=%.4f); resume=false reruns it", output_dir, previous["test_acc"])
        return results.objective(previous, cfg.optimized_metric)
    with exit_on_user_error("ganaug"):
        try:
            return results.objective(run(cfg, output_dir, list(hydra_cfg.overrides.task)), cfg.optimized_metric)
        except Diverged as error:  # this run fails; the rest of a sweep goes on
            log.error("run failed: %s", error)
            results.write_failed(output_dir, cfg.experiment_name, cfg.seed, str(error))
            return float("nan")


def multirun_flag_first(argv: list[str]) -> list[str]:
    """Move `-m`/`--multirun` before the overrides: Hydra's parser rejects `experiment=x -m seed=0,1` otherwise."""
    flags = [arg for arg in argv if arg in ("-m", "--multirun")]
    return flags + [arg for arg in argv if arg not in flags]


def cli(argv: list[str]) -> None:
    """The command line: a key the config does not have, or a search that cannot run, is one line; the rest goes to
    Hydra."""
    with exit_on_user_error("ganaug"):
        check_search(argv)
        check_launcher(argv)
        sys.argv[1:] = default_launcher(multirun_flag_first(argv))
        check_overrides(sys.argv[1:], "train")
    main()


if __name__ == "__main__":
    cli(sys.argv[1:])
