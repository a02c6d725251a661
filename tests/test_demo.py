"""ganaug.demo: the page reads drawings and photos with a trained classifier and collects drawings into a folder;
its functions through gradio_client, and a real browser drawing on the canvas."""
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
import torch
from PIL import Image

from ganaug.data.mnist import DIGITS, BuiltinDigits
from ganaug.models.checkpoints import checkpoint_of
from ganaug.models.classifier import Classifier
from ganaug.pipeline import starting_points

gr = pytest.importorskip("gradio", reason="the demo extra (pip install 'ganaug[demo]')")
from gradio_client import Client, handle_file  # noqa: E402

from ganaug.demo import cli  # noqa: E402
from ganaug.inference.demo_app import Demo, build, launch_options  # noqa: E402
from ganaug.inference.predictor import Predictor  # noqa: E402


SCREENSHOT = __import__("pathlib").Path(__file__).resolve().parent.parent / "outputs" / "demo_screenshot.png"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A classifier checkpoint holding the shipped pool-trained network (96.7 % on the held-out half)."""
    classifier = Classifier({"_target_": "ganaug.models.networks.CNN"}, class_names=DIGITS)
    state = starting_points.load_shipped(next(starting_points.SHIPPED_DIR.glob("classifier-*.pt")))
    classifier.net.load_state_dict(state)
    path = tmp_path_factory.mktemp("demo") / "classifier.ckpt"
    torch.save(checkpoint_of(classifier), path)
    return path


def drawn(digit: torch.Tensor, path) -> str:
    """A built-in digit as a drawing: dark strokes on white, 140 px a side."""
    ink = Image.fromarray(255 - (digit[0].numpy() * 255).astype(np.uint8)).resize((140, 140), Image.BILINEAR)
    ink.convert("RGBA").save(path)
    return str(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(checkpoint, tmp_path_factory):
    collect = tmp_path_factory.mktemp("collected")
    port = free_port()
    page = build(Demo(Predictor.load(checkpoint), collect))
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_options())
    yield f"http://127.0.0.1:{port}/", collect
    page.close()


def test_a_drawn_digit_is_read_through_the_pages_api(served, tmp_path):
    """The page's answers through its API. The clients leave the pictures the page shows on the server
    (download_files=False): the tests read probabilities and messages, and fetching each picture is one more request
    that a loaded CI machine once saw cut off."""
    url, _ = served
    dm = BuiltinDigits(n_per_class=1, test_per_class=1)
    dm.setup()
    client = Client(url, verbose=False, download_files=False)
    for digit, label in list(zip(dm.test_x, dm.test_y))[:4]:
        _, probabilities, message = client.predict(handle_file(drawn(digit, tmp_path / f"{label}.png")),
                                                   api_name="/read_image")
        assert probabilities["label"] == str(label.item()) and f"**{label.item()}**" in message


def test_collect_saves_each_drawing_under_the_class_asked_for(served, tmp_path):
    url, collect = served
    dm = BuiltinDigits(n_per_class=1, test_per_class=1)
    dm.setup()
    client = Client(url, verbose=False, download_files=False)
    picture = drawn(dm.test_x[0], tmp_path / "d.png")
    _, told = client.predict({"background": None, "layers": [], "composite": handle_file(picture)}, api_name="/save")
    assert (collect / "0" / "0.png").is_file() and "Draw a **1**" in told
    assert "data=folder data.root=" in told


def test_the_demo_command_starts_answers_on_localhost_and_reads_a_digit(checkpoint, tmp_path):
    """`python -m ganaug.demo CKPT port=P`, in its own process as a user starts it, with the Gradio installed."""
    port = free_port()
    page = subprocess.Popen([sys.executable, "-m", "ganaug.demo", str(checkpoint), f"port={port}"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert page.poll() is None, page.communicate()[1][-2000:]
                assert time.monotonic() < deadline, "the page did not answer within 120 s"
                time.sleep(0.5)
        dm = BuiltinDigits(n_per_class=1, test_per_class=1)
        dm.setup()
        _, probabilities, _ = Client(url, verbose=False, download_files=False).predict(
            handle_file(drawn(dm.test_x[3], tmp_path / "digit.png")), api_name="/read_image")
        assert probabilities["label"] == str(dm.test_y[3].item())
    finally:
        page.terminate()
        out, err = page.communicate(timeout=30)
    assert f"open http://127.0.0.1:{port}" in out and "warning" not in err


def test_the_launch_options_are_ones_the_installed_gradio_takes():
    accepted = __import__("inspect").signature(gr.Blocks.launch).parameters
    assert set(launch_options()) <= set(accepted) and "share" in accepted


def test_an_empty_drawing_gets_a_message_not_an_exception(checkpoint):
    demo = Demo(Predictor.load(checkpoint))
    assert demo.read_drawing(None)[2].startswith("Draw a digit")
    blank = Image.new("RGBA", (50, 50), (255, 255, 255, 255))
    assert demo.read(blank)[2].startswith("Nothing to read: no ink found")


@pytest.mark.parametrize("args, message", [
    (["missing.ckpt"], "no checkpoint at missing.ckpt"),
    (["CKPT", "port=99999"], "port=99999 is not allowed: use a port number between 1 and 65535"),
    (["CKPT", "colour=red"], "colour is not a setting; the settings are checkpoint, port, host, collect"),
])
def test_bad_arguments_end_with_one_line(checkpoint, capsys, args, message):
    with pytest.raises(SystemExit) as stopped:
        cli([str(checkpoint) if a == "CKPT" else a for a in args])
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and error.count("\n") == 1 and message in error


def test_a_port_in_use_is_one_line(checkpoint, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(SystemExit):
            cli([str(checkpoint), f"port={taken.getsockname()[1]}"])
    assert "is in use; pick another with port=N" in capsys.readouterr().err


@pytest.mark.slow  # 17 s; the page's API and the command's own start are in the default run
@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
def test_a_browser_draws_on_the_canvas_and_sees_a_reading(served, tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    url, _ = served
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=webdriver.ChromeService(shutil.which("chromedriver")), options=options)
    try:
        browser.get(url)
        deadline = time.monotonic() + 30
        canvas = None
        while canvas is None and time.monotonic() < deadline:
            found = browser.find_elements(By.CSS_SELECTOR, "#canvas canvas")
            canvas = next((c for c in found if c.size["width"] > 100), None)
            time.sleep(0.3)
        assert canvas is not None, "no drawing canvas on the page"
        browser.find_element(By.CSS_SELECTOR, "#canvas button[aria-label='Brush']").click()
        stroke = ActionChains(browser).move_to_element_with_offset(canvas, -10, -60).click_and_hold()
        for dy in range(-50, 70, 10):  # a vertical stroke: a one
            stroke = stroke.move_to_element_with_offset(canvas, -5, dy)
        stroke.release().perform()
        time.sleep(0.5)
        browser.find_element(By.ID, "read").click()
        deadline = time.monotonic() + 30
        while "Read as" not in browser.find_element(By.ID, "message").text and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "Read as" in browser.find_element(By.ID, "message").text
        browser.save_screenshot(str(SCREENSHOT if SCREENSHOT.parent.is_dir() else tmp_path / "demo.png"))
    finally:
        browser.quit()
