"""The process set-up each command makes once before any work: quiet logging and warnings, the config resolver its
folder names need, and torch's thread count. Importing a ganaug module changes none of these."""
from __future__ import annotations

import logging
import warnings

import torch
from omegaconf import OmegaConf


def setup(threads: int | None = None) -> None:
    """Set up this process for ganaug's commands (safe to call again, e.g. once the thread count is known)."""
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)  # its tips (litlogger, litmodels) among others
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # logger=mlflow: the database set-up, step by step
    logging.getLogger("pytorch_lightning.loggers.mlflow").setLevel(logging.ERROR)  # "Experiment ... Creating it."
    warnings.filterwarnings("ignore", ".*`validation_step` but have no `val_dataloader`.*")  # the label check's folds
    warnings.filterwarnings("ignore", ".*smaller than the logging interval.*")  # ten batches of 32 per epoch
    warnings.filterwarnings("ignore", ".*isinstance.treespec, LeafSpec.*")  # Lightning's own use of torch's pytree
    # The GAN's checkpoints hold the state after each D/G iteration, which is what a resumed run needs.
    warnings.filterwarnings("ignore", ".*no pre-optimization state was saved.*")
    # Sweep folders are named by the overrides; a path in one (data.root=a/b) must not nest folders.
    OmegaConf.register_new_resolver("path_safe", lambda text: text.replace("/", "_"), replace=True)
    # The trainers' `deterministic: true` turns on torch's deterministic algorithms, which also fill each new tensor
    # with NaN to expose reads of uninitialised memory: a debugging aid that cost 6 % of a GAN iteration here
    # (docs/performance.md) and decides no result.
    torch.utils.deterministic.fill_uninitialized_memory = False
    if threads:
        torch.set_num_threads(threads)
