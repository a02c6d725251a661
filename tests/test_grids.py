import torch

from ganaug.utils.grids import SCALE, class_rows, labelled_grid


def test_class_rows_put_one_class_per_row_and_leave_missing_blank():
    x = torch.arange(5, dtype=torch.float).view(5, 1, 1, 1) + 1
    y = torch.tensor([1, 0, 1, 1, 0])
    rows = class_rows(x, y, num_classes=3, per_class=2).flatten().tolist()
    assert rows == [2.0, 5.0, 1.0, 3.0, 0.0, 0.0]


def test_labelled_grid_has_a_row_per_class_and_the_names_drawn_beside_it():
    x = torch.ones(4, 1, 28, 28)
    y = torch.tensor([0, 1, 1, 2])
    grid = labelled_grid(x, y, ["cat", "dog", "owl"], per_class=3)
    assert grid.shape[0] == 3 and grid.dtype == torch.uint8
    assert grid.shape[1] == (3 * 30 + 2) * SCALE
    label_column = grid[:, :, :40]
    assert (label_column < 128).any()  # dark text on the white margin
    blank = labelled_grid(x, y, ["", "", ""], per_class=3)
    assert (blank[:, :, :40] == 255).all()
