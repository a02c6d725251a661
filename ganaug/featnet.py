"""`python -m ganaug.featnet`: train the digit feature network for FID/KID on the built-in pool, once.

It is trained only on the pool half of the built-in data (even positions), never on the held-out test
digits, with a fixed seed, and written to `ganaug/assets/digit_features.pt`; it prints its held-out accuracy.
"""
from __future__ import annotations

import pytorch_lightning as pl
import torch

from ganaug.data.datamodule import training_loader
from ganaug.data.mnist import builtin_split, load_builtin
from ganaug.models.classifier import Classifier
from ganaug.models.digit_features import FEATURE_NET, FEATURES_PATH
from ganaug.utils import runtime
from ganaug.utils.files import atomic_write


def main(epochs: int = 10) -> None:
    runtime.setup()
    pl.seed_everything(0, verbose=False)
    images, labels = load_builtin()
    pool, test = builtin_split(labels)
    x, y = images.float() / 255, labels
    model = Classifier({"_target_": "ganaug.models.networks.CNN", **FEATURE_NET}, momentum=0.9)
    trainer = pl.Trainer(max_epochs=epochs, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         deterministic=True, num_sanity_val_steps=0, enable_model_summary=False)
    trainer.fit(model, train_dataloaders=training_loader(x[pool], y[pool], 10, batch_size=64))
    model.eval()
    with torch.no_grad():
        accuracy = (model(x[test]).argmax(1) == y[test]).float().mean().item()
    atomic_write(FEATURES_PATH, lambda tmp: torch.save(model.net.state_dict(), tmp))
    print(f"digit feature network: held-out accuracy {accuracy:.4f}, written to {FEATURES_PATH}")


if __name__ == "__main__":
    main()
