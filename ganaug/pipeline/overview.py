"""What `python -m ganaug.prepare data=...` does: look at a data set before training on it (counts, previews,
checks, export as a folder)."""
from __future__ import annotations

from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from torchvision.io import write_png

from ganaug.data.checks import all_images, listed, skipped_grid, suspects
from ganaug.data.datamodule import DigitsDataModule
from ganaug.pipeline import label_check
from ganaug.pipeline.settings import LabelCheck
from ganaug.utils.errors import exit_on_user_error
from ganaug.utils.grids import save_grid
from ganaug.utils.trainers import Workspace


def counts_table(dm: DigitsDataModule) -> str:
    """Per class: images available for training, used for training, for validation, and held out for testing."""
    lines = [f"{'class':>8} {'available':>10} {'training':>9} {'validation':>11} {'test':>6}"]
    train, val, test = (y.bincount(minlength=dm.num_classes) for y in (dm.train_y, dm.val_y, dm.test_y))
    for c, name in enumerate(dm.class_names):
        lines.append(f"{name:>8} {dm.pool_counts[c]:>10} {train[c].item():>9} {val[c].item():>11} {test[c].item():>6}")
    lines.append(f"{'total':>8} {sum(dm.pool_counts):>10} {len(dm.train_y):>9} {len(dm.val_y):>11} {len(dm.test_y):>6}")
    return "\n".join(lines)


def export(dm: DigitsDataModule, out: Path) -> None:
    """Write the training, validation and test images as `out/{train,val,test}/<class>/<index>.png` (8-bit
    grayscale): a folder that `data=folder` reads back as the same three sets."""
    for split, x, y, index in (("train", dm.train_x, dm.train_y, dm.train_index), ("val", dm.val_x, dm.val_y, dm.val_index),
                               ("test", dm.test_x, dm.test_y, dm.test_index)):
        for c, name in enumerate(dm.class_names):
            (out / split / name).mkdir(parents=True, exist_ok=True)
        for image, label, i in zip(x, y, index.tolist()):
            write_png((image * 255).round().to(torch.uint8), str(out / split / dm.class_names[label] / f"{i:05d}.png"))


def check_labels(settings: LabelCheck, work: Workspace, dm: DigitsDataModule) -> None:
    """Print the images whose label looks wrong, by the check `check.mode` names, and draw them."""
    out = work.output_dir / "check_these.png"
    mode = settings.check.mode
    if mode == "learned" and not label_check.available():
        print("the learned label check needs cleanlab (pip install 'ganaug[check]'); running the quick check instead")
        mode = "quick"
    if mode == "quick":
        how = "quick check: the shipped digit network reads them confidently as another digit"
        flagged = suspects(dm, out)
        if flagged is None:
            print("no quick label check: the classes are not the digits 0-9, all the shipped digit network knows; "
                  "check.mode=learned checks any classes")
            return
    else:
        how = (f"learned check: a classifier trained on this data set ({settings.check.folds}-fold cross-validation, "
               f"from the pool-trained network) finds them mislabelled by confident learning")
        x, y, _ = all_images(dm)
        probs = label_check.out_of_fold_probabilities(settings, work, x, y, dm.class_names)
        flagged = listed(dm, label_check.label_issues(probs, y), probs, out)
    if flagged:
        print(f"check these {len(flagged)} image(s) ({how}; nothing was moved):", *flagged, f"drawn in {out}", sep="\n  ")
    else:
        print(f"no image to check ({how}: none)")


def look_at_data(data: DictConfig, checking: LabelCheck, work: Workspace, export_to: str | None) -> None:
    """Counts, previews, checks of the `data` group's data set (written into the workspace's folder), and its export
    to `export_to` when given."""
    output_dir = work.output_dir
    with exit_on_user_error("ganaug.prepare"):
        dm: DigitsDataModule = instantiate(data)
        dm.setup()
    print(counts_table(dm))
    if dm.skipped:
        print(f"skipped {len(dm.skipped)} file(s):", *dm.skipped, sep="\n  ")
        if skipped_grid(dm, output_dir / "skipped.png"):
            print(f"the skipped files that could be read, as they are on disk: {output_dir / 'skipped.png'}")
    with exit_on_user_error("ganaug.prepare"):
        check_labels(checking, work, dm)
    save_grid(output_dir / "preview_train.png", dm.train_x, dm.train_y, dm.class_names)
    save_grid(output_dir / "preview_test.png", dm.test_x, dm.test_y, dm.class_names)
    print(f"previews: {output_dir / 'preview_train.png'} and preview_test.png")
    if export_to:
        export(dm, Path(export_to))
        print(f"exported {len(dm.train_y)} training, {len(dm.val_y)} validation and {len(dm.test_y)} test images "
              f"to {export_to}")
