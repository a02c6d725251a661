"""Sheets as people write them: rows sloped to ±10° and set close, bowed rows, small 0s and 1s, a strip of table
along the edge, touching digits in rows of any length, a number per row labelled with `/`, a photo stored turned
with an EXIF orientation. Each page rendered with one trait (seed 2 in the default run, seeds 0, 1, 3, 4 with -m slow):
every digit lands under its label, nothing under a wrong one, and the digit network reads >= 90 % of them."""
import pytest
import torch
from PIL import Image

from ganaug.data.preprocessing import prepare_file
from ganaug.data.sheets import cut_sheet
from rendering import TRAITS, person_page
from ganaug.models.digit_features import DigitFeatures

# seed 2 in the default run: the old reading (rows by sorted centre heights, splitting only a row one digit short)
# fails its page of every trait
SEEDS = [2, *(pytest.param(seed, marks=pytest.mark.slow) for seed in (0, 1, 3, 4))]


def check_cut(photo, out, rows: list[str]) -> None:
    """Every digit under its label, as `<photo>_<row>_<position>.png`, and the digit network reads >= 90 %."""
    assert cut_sheet(photo, out, None, None, "/".join(rows)) == (sum(map(len, rows)), 0)
    expected = {(label, f"{photo.stem}_{r}_{c}.png") for r, row in enumerate(rows) for c, label in enumerate(row)}
    written = {(p.parent.name, p.name) for p in out.glob("*/*.png")}
    assert written == expected
    files = sorted(out.glob("*/*.png"))
    x = torch.stack([prepare_file(f).float() / 255 for f in files])
    read = (DigitFeatures.load().classify(x) == torch.tensor([int(f.parent.name) for f in files])).float().mean()
    assert read >= 0.9


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("trait", TRAITS)
def test_a_page_as_people_write_it_is_cut_whole(tmp_path, trait, seed):
    image, rows = person_page({trait}, seed)
    image.save(tmp_path / "page.jpg", quality=85)
    check_cut(tmp_path / "page.jpg", tmp_path / "digits", rows)


def test_a_photo_stored_turned_with_an_exif_orientation_is_read_upright(tmp_path):
    image, rows = person_page({"small 0s and 1s"}, 0)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown after turning 90° clockwise: the pixels are stored turned the other way
    image.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "page.jpg", quality=90, exif=exif)
    check_cut(tmp_path / "page.jpg", tmp_path / "digits", rows)


def test_rows_given_with_slashes_report_a_row_that_differs_and_write_nothing(tmp_path, capsys):
    from ganaug.utils.errors import UserError

    image, rows = person_page({"small 0s and 1s"}, 0)
    image.save(tmp_path / "page.png")
    wrong = rows[:2] + [rows[2] + "7"] + rows[3:]
    with pytest.raises(UserError, match=r"^the sheet does not match labels='.*' \(1 problem\(s\) above\); nothing was written"):
        cut_sheet(tmp_path / "page.png", tmp_path / "digits", None, None, "/".join(wrong))
    assert capsys.readouterr().out.strip().startswith(f"row 3: {len(rows[2])} digits, expected {len(rows[2]) + 1}")
    assert [p.name for p in (tmp_path / "digits").iterdir()] == ["page_preview.png"]


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, pytest.param(Image.Transpose.ROTATE_270, marks=pytest.mark.slow)],
                         ids=["left", "right"])
def test_a_page_stored_sideways_without_exif_is_turned_and_says_so(tmp_path, capsys, turn):
    image, rows = person_page({"small 0s and 1s"}, 2)
    image.transpose(turn).save(tmp_path / "page.jpg", quality=90)
    check_cut(tmp_path / "page.jpg", tmp_path / "digits", rows)
    assert "note: the rows of page.jpg run down the page; read turned a quarter" in capsys.readouterr().out


def test_predict_reads_a_sheet_of_numbers_back_as_strings(tmp_path, capsys):
    """`predict CKPT sheet=PHOTO` with no rows or cols: each row as the string of digits the classifier reads."""
    from ganaug.data.mnist import DIGITS
    from ganaug.models.checkpoints import checkpoint_of
    from ganaug.models.classifier import Classifier
    from ganaug.pipeline import starting_points
    from ganaug.predict import cli

    classifier = Classifier({"_target_": "cnn"}, class_names=DIGITS)  # the shipped pool-trained network
    classifier.net.load_state_dict(starting_points.load_shipped(next(starting_points.SHIPPED_DIR.glob("classifier-*.pt"))))
    torch.save(checkpoint_of(classifier), tmp_path / "classifier.ckpt")
    image, rows = person_page({"sloped", "small 0s and 1s"}, 2)
    image.save(tmp_path / "numbers.jpg", quality=90)
    cli([str(tmp_path / "classifier.ckpt"), f"sheet={tmp_path / 'numbers.jpg'}", f"out={tmp_path / 'read'}"])
    read = [line.split(": ", 1)[1].split()[0] for line in capsys.readouterr().out.splitlines()
            if " row " in line and "numbers.jpg" in line]
    assert [len(text) for text in read] == [len(row) for row in rows]
    right = sum(a == b for text, row in zip(read, rows) for a, b in zip(text, row))
    assert right >= 0.9 * sum(map(len, rows)) and (tmp_path / "read" / "sheet_preview.png").is_file()


def test_a_sheet_yaml_gives_rows_of_numbers_the_same_way(tmp_path, command):
    from ganaug.prepare import cli

    image, rows = person_page({"touching"}, 2)
    image.save(tmp_path / "page.jpg", quality=90)
    (tmp_path / "page.yaml").write_text(f"labels: \"{'/'.join(rows)}\"\nout: digits\n")
    result = command(cli, f"sheet={tmp_path / 'page.jpg'}", f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(list((tmp_path / "digits").glob("*/*.png"))) == sum(map(len, rows))
