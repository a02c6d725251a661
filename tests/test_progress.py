"""Progress lines for logs and sweeps: one every 10 % of a phase, with its rate and the time left."""
import re
from types import SimpleNamespace

import pytorch_lightning as pl
import torch

from ganaug.data.datamodule import training_loader
from ganaug.models.classifier import Classifier
from ganaug.utils.progress import ProgressLog, duration


def test_a_line_every_tenth_of_the_epochs_with_time_left_until_the_last():
    pl.seed_everything(0, verbose=False)
    progress = ProgressLog("classifier")
    trainer = pl.Trainer(max_epochs=20, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         callbacks=[progress])
    classifier = Classifier({"_target_": "ganaug.models.networks.CNN", "channels": 2, "hidden": 4})
    trainer.fit(classifier, train_dataloaders=training_loader(torch.rand(8, 1, 28, 28), torch.arange(8), 10, 8))
    assert len(progress.lines) == 10
    assert progress.lines[0].startswith("classifier: 10% (2/20 epochs), ") and progress.lines[0].endswith(" left")
    assert re.fullmatch(r"classifier: 100% \(20/20 epochs\), [\d.]+/s", progress.lines[-1])


def test_gan_iterations_count_two_optimizer_steps_each():
    progress = ProgressLog("gan", "iterations", steps_per_unit=2, every=0.5)
    trainer = SimpleNamespace(max_steps=8, global_step=0)  # as Lightning counts them for the GAN
    progress.on_train_start(trainer, None)
    for step in range(1, 9):
        trainer.global_step = step
        progress.on_train_batch_end(trainer)
    assert [line.split(",")[0] for line in progress.lines] == ["gan: 50% (2/4 iterations)", "gan: 100% (4/4 iterations)"]


def test_durations_read_as_a_person_would_say_them():
    assert [duration(s) for s in (12.4, 185, 3720)] == ["12s", "3m05s", "1h02m"]
