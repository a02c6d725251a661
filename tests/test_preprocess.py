"""Preprocessing: photos of known digits become MNIST-like digits, whatever the file format."""
import numpy as np
import pytest
import torch
from PIL import Image, ImageOps

from ganaug.data.folder import FolderDigits
from ganaug.data.mnist import load_builtin
from ganaug.data.preprocessing import CENTRE, NotADigit, prepare_file
from rendering import photo, photo_folder
from ganaug.models.digit_features import DigitFeatures
from ganaug.data.checks import all_images


def correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    return torch.corrcoef(torch.stack([a.flatten().float(), b.flatten().float()]))[0, 1].item()


def centre_of_mass(x: torch.Tensor) -> tuple[float, float]:
    x = x[0].float()
    i = torch.arange(28.0)
    return ((x.sum(1) * i).sum() / x.sum()).item(), ((x.sum(0) * i).sum() / x.sum()).item()


def test_photos_become_light_centred_digits_close_to_the_originals(tmp_path):
    digits, labels = photo_folder(tmp_path / "photos", per_class=4)
    dm = FolderDigits(str(tmp_path / "photos"), n_per_class=1, test_fraction=0.5)
    dm.setup()
    x, prepared_y, _ = all_images(dm)
    prepared = (x * 255).round().to(torch.uint8)
    assert len(prepared) == 40 and dm.skipped == []
    border = torch.cat([prepared[:, 0, :2].flatten(), prepared[:, 0, -2:].flatten(), prepared[:, 0, :, :2].flatten()])
    assert (border == 0).float().mean() > 0.98  # black paper
    assert prepared.flatten(1).max(1).values.min() > 200  # bright ink
    for x in prepared:
        cy, cx = centre_of_mass(x)
        assert abs(cy - CENTRE) <= 1 and abs(cx - CENTRE) <= 1
    # each prepared digit is close to one of the digits of its class that were photographed
    scores = [max(correlation(x, d) for d in digits[labels == y]) for x, y in zip(prepared, prepared_y)]
    assert sum(scores) / len(scores) > 0.85
    recognised = (DigitFeatures.load().classify(prepared.float() / 255) == prepared_y).float().mean()
    assert recognised >= 0.9


@pytest.fixture(scope="module")
def digit_photo(tmp_path_factory) -> tuple[Image.Image, torch.Tensor]:
    """A photo of a built-in 7 and its preprocessed form from a plain RGB PNG."""
    images, _ = load_builtin()
    picture = photo(images[0], seed=0)
    path = tmp_path_factory.mktemp("reference") / "seven.png"
    picture.save(path)
    return picture, prepare_file(path)


@pytest.mark.parametrize(
    "name, convert",
    [
        ("rgb.jpg", lambda im: im),
        ("gray.bmp", lambda im: im.convert("L")),
        ("palette.png", lambda im: im.convert("P", palette=Image.Palette.ADAPTIVE)),
        ("cmyk.tiff", lambda im: im.convert("CMYK")),
        ("lossy.webp", lambda im: im),
        ("sixteen_bit.png", lambda im: Image.fromarray(np.asarray(im.convert("L")).astype(np.uint16) * 257)),
        ("light_on_dark.png", lambda im: ImageOps.invert(im.convert("L"))),
        # black ink whose strength is in the alpha channel, on a transparent background
        ("transparent.png", lambda im: Image.merge("RGBA", [Image.new("L", im.size, 0)] * 3 + [ImageOps.invert(im.convert("L"))])),
    ],
)
def test_every_common_format_and_mode_gives_the_same_digit(tmp_path, digit_photo, name, convert):
    picture, reference = digit_photo
    image = convert(picture)
    image.save(tmp_path / name)
    assert correlation(prepare_file(tmp_path / name), reference) > 0.9


def test_exif_rotated_phone_photo_is_turned_upright(tmp_path, digit_photo):
    picture, reference = digit_photo
    sideways = picture.rotate(90, expand=True)  # the camera stored the pixels turned a quarter to the left
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    sideways.save(tmp_path / "tagged.jpg", exif=exif, quality=95)
    sideways.save(tmp_path / "untagged.jpg", quality=95)
    assert correlation(prepare_file(tmp_path / "tagged.jpg"), reference) > 0.9
    assert correlation(prepare_file(tmp_path / "untagged.jpg"), reference) < 0.5


def test_invert_override_and_blank_image(tmp_path, digit_photo):
    picture, reference = digit_photo
    picture.save(tmp_path / "d.png")
    assert correlation(prepare_file(tmp_path / "d.png", invert="false"), reference) < 0.5
    Image.new("RGB", (120, 90), (230, 228, 220)).save(tmp_path / "blank.png")
    with pytest.raises(NotADigit, match="no ink found"):
        prepare_file(tmp_path / "blank.png")
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(NotADigit, match="not a readable image"):
        prepare_file(tmp_path / "notes.png")
