"""The page of `python -m ganaug.demo`, built with Gradio: read a digit drawn with mouse or pen (or a photo) with a
trained classifier, and collect drawings into a folder of the user's digits."""
from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np
import torch
from PIL import Image

from ganaug.data.preprocessing import NotADigit, to_mnist
from ganaug.inference.predictor import Predictor

SHOWN = 140  # pixels a side of the 28×28 digit as shown
MAX_UPLOAD_BYTES = 10_000_000  # an upload larger than this is refused by the page's server
MAX_UPLOAD_PIXELS = 4096 * 4096  # an image of more pixels is refused before it is decoded (a decompression bomb)


def flattened(image: Image.Image | None) -> torch.Tensor | None:
    """A drawing or photo (RGBA or not) on white paper, as a (H, W) grey image in [0, 1]; None for no image."""
    if image is None:
        return None
    paper = Image.new("RGBA", image.size, "white")
    gray = Image.alpha_composite(paper, image.convert("RGBA")).convert("L")
    return torch.from_numpy(np.asarray(gray, dtype=np.float32) / 255)


def composite(drawing: dict | None) -> Image.Image | None:
    """The canvas a Sketchpad hands over, as one image; None when nothing was drawn."""
    image = (drawing or {}).get("composite")
    if image is None or np.asarray(image.convert("RGBA"))[..., 3].max() == 0:  # fully transparent: an empty canvas
        return None
    return image


class Demo:
    """What the page's buttons do, apart from the page (so that they can be called and tested alone)."""

    def __init__(self, predictor: Predictor, collect: Path | None = None) -> None:
        self.predictor, self.collect = predictor, collect

    def read(self, image: Image.Image | None) -> tuple[Image.Image | None, dict, str]:
        """The digit as the model sees it, the class probabilities, and a message."""
        gray = flattened(image)
        if gray is None:
            return None, {}, "Draw a digit (or upload a photo of one), then press Read."
        try:
            digit = to_mnist(gray, **self.predictor.preprocessing).float() / 255
        except NotADigit as error:
            return None, {}, f"Nothing to read: {error}. Draw a digit with a thicker stroke."
        probs = self.predictor.probabilities(digit[None])[0]
        shown = Image.fromarray((digit[0].numpy() * 255).astype(np.uint8)).resize((SHOWN, SHOWN), Image.NEAREST)
        best = int(probs.argmax())
        return shown, dict(zip(self.predictor.class_names, probs.tolist())), \
            f"Read as **{self.predictor.class_names[best]}** ({probs[best]:.0%})."

    def read_upload(self, path: str | None) -> tuple[Image.Image | None, dict, str]:
        """An uploaded file, read only where it is an image of at most MAX_UPLOAD_PIXELS (its header is read first)."""
        if path is None:
            return self.read(None)
        too_large = f"send one of at most {MAX_UPLOAD_PIXELS:,} pixels, e.g. a photo of one digit."
        try:
            with Image.open(path) as image:
                if image.width * image.height > MAX_UPLOAD_PIXELS:
                    return None, {}, f"The image is too large ({image.width} × {image.height} pixels); {too_large}"
                image.load()
                return self.read(image)
        except Image.DecompressionBombError:  # Pillow's own limit, met while reading the header
            return None, {}, f"The image is too large; {too_large}"
        except (OSError, ValueError):
            return None, {}, "That file is not an image this page can read; send a PNG or JPEG photo of a digit."

    def read_drawing(self, drawing: dict | None) -> tuple[Image.Image | None, dict, str]:
        return self.read(composite(drawing))

    def counts(self) -> dict[str, int]:
        return {name: len(list((self.collect / name).glob("*.png"))) if self.collect else 0
                for name in self.predictor.class_names}

    def prompt(self) -> str:
        """Which class to draw next (the one with fewest drawings), the counts so far, and the command to train."""
        counts = self.counts()
        wanted = min(counts, key=counts.get)
        table = " · ".join(f"{name}: {n}" for name, n in counts.items())
        return (f"Draw a **{wanted}**, then press Save.\n\nSaved so far: {table}\n\nTrain on them with "
                f"`python -m ganaug.train experiment=classic pretrain=builtin data=folder data.root={self.collect}`")

    def save(self, drawing: dict | None) -> tuple[dict | None, str]:
        """Save the drawing as COLLECT/<class>/<n>.png for the class the page asked for; clear the canvas."""
        image = composite(drawing)
        if image is None:
            return None, "The canvas is empty: draw a digit first.\n\n" + self.prompt()
        counts = self.counts()
        name = min(counts, key=counts.get)
        path = self.collect / name / f"{counts[name]}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray((flattened(image).numpy() * 255).astype(np.uint8)).save(path)
        return None, f"Saved {path}.\n\n" + self.prompt()


def launch_options() -> dict:
    """The keywords of `Blocks.launch` that leave the API link off the page: Gradio 5 takes `show_api=False`,
    Gradio 6 dropped it for `footer_links`, the footer's links to keep."""
    bounds = {"max_file_size": MAX_UPLOAD_BYTES, "share": False}  # no share link: the page stays on this machine
    if int(gr.__version__.split(".")[0]) < 6:
        return {**bounds, "show_api": False}
    return {**bounds, "footer_links": ["gradio", "settings"]}


def build(demo: Demo) -> gr.Blocks:
    """The page: a Read tab, and with a collect folder a Collect tab."""
    with gr.Blocks(title="ganaug") as page:
        with gr.Tab("Read"):
            with gr.Row():
                with gr.Column():
                    canvas = gr.Sketchpad(type="pil", image_mode="RGBA", label="Draw a digit (pick the brush on the left first)", elem_id="canvas",
                                          brush=gr.Brush(default_size=18, colors=["#000000"], color_mode="fixed"))
                    read = gr.Button("Read", elem_id="read")
                    upload = gr.Image(type="filepath", label="…or upload a photo", sources=["upload"])
                with gr.Column():
                    seen = gr.Image(label="As the model sees it (28×28)", height=SHOWN, width=SHOWN)
                    probabilities = gr.Label(label="Class probabilities", num_top_classes=len(demo.predictor.class_names),
                                             elem_id="probabilities")
                    message = gr.Markdown(elem_id="message")
            read.click(demo.read_drawing, canvas, [seen, probabilities, message], api_name="read_drawing")
            upload.upload(demo.read_upload, upload, [seen, probabilities, message], api_name="read_image")
        if demo.collect is not None:
            with gr.Tab("Collect"):
                sketch = gr.Sketchpad(type="pil", image_mode="RGBA", label="Draw the digit asked for (pick the brush on the left first)",
                                      brush=gr.Brush(default_size=18, colors=["#000000"], color_mode="fixed"))
                save = gr.Button("Save")
                asked = gr.Markdown(demo.prompt())
                save.click(demo.save, sketch, [sketch, asked], api_name="save")
    return page
