"""The CNN classifier as a LightningModule: cross-entropy, SGD, accuracy on held-out and real training digits."""
from __future__ import annotations

import logging
import math
import shutil
from collections.abc import Callable

import matplotlib.pyplot as plt
import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics import MeanMetric
from torchmetrics.classification import MulticlassAccuracy, MulticlassConfusionMatrix

from ganaug.models.registry import build, register, spec
from ganaug.utils.plain import plain
from ganaug.utils.errors import ensure_finite
from ganaug.utils.grids import captioned_grid
from ganaug.utils.loggers import log_image

MISREAD_SHOWN = 50  # misread test digits in the logged grid
CPP_COMPILERS = ("g++", "clang++", "c++")  # torch.compile's CPU backend builds its kernels with one of these
log = logging.getLogger(__name__)


def compiled_forward(net: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    """`net`'s forward through torch.compile where its CPU backend can build kernels (it needs a C++ compiler),
    otherwise as it is. A function, not a module: the weights stay once in the state dict."""
    if any(shutil.which(compiler) for compiler in CPP_COMPILERS):
        return torch.compile(net.forward)
    log.warning("classifier.module.compile=true, but no C++ compiler (g++, clang++) is installed for torch.compile: "
                "training without it")
    return net.forward


@register("classifier")
class Classifier(pl.LightningModule):
    """Trains `net` (a network config: `_target_` and arguments) with SGD, each training batch passed through the
    `augmentation` transforms (configs too, applied in order); the configs and `class_names` are its
    hyperparameters, so a checkpoint alone rebuilds it.

    A training batch is (images, target probabilities, loss weights, unlabelled flags), as
    `ganaug.data.datamodule.training_tensors` makes it. Labelled images (real ones, and fakes with hard or soft labels) take
    the weighted cross-entropy to their target. Unlabelled ones (fakes whose labels are not trusted) take
    FixMatch's loss: the prediction on the image as it is becomes a pseudo-label where its probability reaches
    `confidence`, and a view through `strong_augmentation` is trained towards it, weighted by `unlabelled_weight`;
    the share of them above the threshold is logged per epoch. `freeze_features` keeps the convolutions fixed.
    `preprocessing` keeps how the training images were read from their files (`prepare_file`'s options), so that
    new images can be read the same way (`ganaug.predict`).

    Validation loader 0 is the validation set, loader 1 the real training images; the test loader is the held-out
    test set, read once after training.

    `history` keeps the train/validation accuracy of every validation epoch, for the results file; a `test` run
    leaves the test confusion matrix in `confusion`, the accuracy per class in `per_class`, and logs the matrix, the
    accuracies and a grid of the test digits it misread (with its guess) to TensorBoard.
    The training loss and accuracy are logged once per epoch (Lightning's `log` costs about as much as one
    step of this small network). `channels_last` stores the network's weights in that memory format, which
    makes its convolutions and pooling faster on CPUs. `compile` trains through torch.compile (evaluation, export and
    prediction use the network as it is).
    """

    def __init__(
        self,
        net: dict,
        num_classes: int = 10,
        lr: float = 0.05,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        lr_schedule: str = "constant",
        augmentation: list[dict] | None = None,
        strong_augmentation: list[dict] | None = None,
        confidence: float = 0.95,
        unlabelled_weight: float = 1.0,
        class_names: list[str] | None = None,
        channels_last: bool = True,
        compile: bool = False,
        freeze_features: bool = False,
        preprocessing: dict | None = None,
    ) -> None:
        super().__init__()
        net = spec(net)  # registered parts only, whatever the configs or a checkpoint name
        augmentation, strong_augmentation = ([spec(t) for t in plain(transforms) or []]
                                             for transforms in (augmentation, strong_augmentation))
        class_names = self.class_names = plain(class_names) or [str(c) for c in range(num_classes)]
        num_classes = len(class_names)
        preprocessing = plain(preprocessing) or {"invert": "auto", "keep_28x28": True}
        self.save_hyperparameters()  # configs, not modules: `Classifier.load_from_checkpoint(path)` rebuilds it
        net = build(net, num_classes=num_classes)
        self.net = net.to(memory_format=torch.channels_last) if channels_last else net
        # fused kernels: the normalisation, activation and pooling passes that dominate a ConvNet's CPU step
        self.train_forward = compiled_forward(self.net) if compile else self.net.forward
        for layer in self.net.modules():  # keep the convolutions as they start (pretrained), train the rest
            if freeze_features and isinstance(layer, nn.Conv2d):
                layer.requires_grad_(False)
        self.augmentation = nn.Sequential(*(build(transform) for transform in augmentation))
        self.strong_augmentation = nn.Sequential(*(build(transform) for transform in strong_augmentation))
        self.train_loss = MeanMetric()
        self.pass_rate = MeanMetric()
        # The batches are the data module's own, so the metrics skip checking them (a per-step cost as large as the
        # update itself for this small network).
        self.train_acc = MulticlassAccuracy(num_classes, average="micro", validate_args=False)
        self.eval_acc = nn.ModuleList([MulticlassAccuracy(num_classes, average="micro", validate_args=False)
                                       for _ in range(2)])
        self.test_acc = MulticlassAccuracy(num_classes, average="micro", validate_args=False)
        self.test_confusion = MulticlassConfusionMatrix(num_classes)
        self.misread: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []  # (images, labels, guesses)
        self.history: list[dict[str, float]] = []
        self.confusion: list[list[int]] = []
        self.per_class: dict[str, float] = {}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def configure_optimizers(self) -> torch.optim.Optimizer | dict:
        optimizer = torch.optim.SGD(
            self.parameters(),
            lr=self.hparams.lr,
            momentum=self.hparams.momentum,
            weight_decay=self.hparams.weight_decay,
        )
        if self.hparams.lr_schedule == "constant":
            return optimizer
        # cosine: from lr down to 0 over the run, so that the final weights do not come from a full-size step
        return {"optimizer": optimizer,
                "lr_scheduler": torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=self.trainer.max_epochs)}

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        x, target, weight, unlabelled = batch
        some_unlabelled = bool(unlabelled.any())
        if some_unlabelled:  # most batches have no unlabelled fakes: no copies of them then
            labelled = ~unlabelled
            x_unlabelled, x, target, weight = x[unlabelled], x[labelled], target[labelled], weight[labelled]
        logits = self.train_forward(self.augmentation(x))
        loss = (F.cross_entropy(logits, target, reduction="none") * weight).sum() / weight.sum().clamp_min(1e-12)
        if some_unlabelled:
            loss = loss + self.hparams.unlabelled_weight * self.unlabelled_loss(x_unlabelled)
        ensure_finite(loss, "classifier", self.global_step, "lower classifier.module.lr")
        self.train_loss.update(loss.detach())
        if len(x):
            self.train_acc.update(logits.detach(), target.argmax(1))
        return loss

    def unlabelled_loss(self, x: torch.Tensor) -> torch.Tensor:
        """FixMatch's loss on images without labels, averaged over all of them (below the threshold: zero)."""
        with torch.no_grad():
            confidence, pseudo_label = self(x).softmax(1).max(1)
        passed = (confidence >= self.hparams.confidence).float()
        self.pass_rate.update(passed.mean())
        strong = self(self.strong_augmentation(x))
        return (F.cross_entropy(strong, pseudo_label, reduction="none") * passed).mean()

    def on_train_epoch_end(self) -> None:
        self.log_dict({"classifier/loss": self.train_loss, "classifier/batch_acc": self.train_acc})
        if self.pass_rate.update_count:
            self.log("classifier/unlabelled_pass_rate", self.pass_rate)

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int, dataloader_idx: int = 0) -> None:
        x, y = batch
        self.eval_acc[dataloader_idx](self(x), y)

    def on_validation_epoch_end(self) -> None:
        val_acc, train_acc = (metric.compute().item() for metric in self.eval_acc)
        for metric in self.eval_acc:
            metric.reset()
        self.log_dict({"classifier/val_acc": val_acc, "classifier/train_acc": train_acc})
        if self.trainer.state.fn == "fit":
            self.history.append({"epoch": self.current_epoch + 1, "train_acc": train_acc, "val_acc": val_acc})

    def test_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        x, y = batch
        guess = self(x).argmax(1)
        self.test_acc.update(guess, y)
        self.test_confusion.update(guess, y)
        wrong = guess != y
        if sum(len(images) for images, _, _ in self.misread) < MISREAD_SHOWN:
            self.misread.append((x[wrong].cpu(), y[wrong].cpu(), guess[wrong].cpu()))

    def on_test_epoch_end(self) -> None:
        matrix = self.test_confusion.compute()
        self.test_confusion.reset()
        self.log("classifier/test_acc", self.test_acc.compute().item())
        self.test_acc.reset()
        self.confusion = matrix.tolist()
        correct, total = matrix.diag().float(), matrix.sum(1).float()
        self.per_class = {name: (c / t).item() if t else float("nan")
                          for name, c, t in zip(self.class_names, correct, total)}
        self.log_dict({f"classifier_per_class/{name}": acc for name, acc in self.per_class.items()
                       if not math.isnan(acc)})
        self.log_test_images(matrix)

    def log_test_images(self, matrix: torch.Tensor) -> None:
        """The test confusion matrix (rows: true class, columns: predicted) and the misread test digits, each
        captioned `true>guess`, to every logger that keeps pictures."""
        fig, _ = self.test_confusion.plot(val=matrix, labels=self.class_names)
        images, labels, guesses = (torch.cat(parts)[:MISREAD_SHOWN] for parts in zip(*self.misread)) if self.misread \
            else (torch.empty(0, 1, 28, 28), torch.empty(0, dtype=torch.long), torch.empty(0, dtype=torch.long))
        self.misread = []
        grid = captioned_grid(images, [f"{self.class_names[t]}>{self.class_names[g]}" for t, g in zip(labels, guesses)])
        log_image(self.loggers, "classifier/confusion_matrix", fig, self.global_step)
        log_image(self.loggers, "classifier/misread_test_digits", grid, self.global_step)
        plt.close(fig)

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["accuracy_history"] = self.history

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        self.history = checkpoint.get("accuracy_history", [])
