"""`python -m ganaug.demo CHECKPOINT [port=N] [host=ADDRESS] [collect=DIR]`: a local page to draw digits on and see
how a trained classifier reads them; with `collect=DIR` also a tab that saves drawings as DIR/<class>/<n>.png, a
folder to train on. Bound to 127.0.0.1 (this machine only) unless host= says otherwise. Needs
`pip install 'ganaug[demo]'`."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

from ganaug.inference.predictor import Predictor
from ganaug.utils import runtime
from ganaug.utils.command_line import checkpoint_first, options_of
from ganaug.utils.errors import UserError, exit_on_user_error

OPTIONS = {"port": "7860", "host": "127.0.0.1", "collect": None}
USAGE = "usage: python -m ganaug.demo CHECKPOINT [port=N] [host=ADDRESS] [collect=DIR]"


def parse(argv: list[str]) -> tuple[Path, dict]:
    checkpoint = checkpoint_first(argv, USAGE)
    options = dict(OPTIONS)
    for key, value in options_of(argv[1:], USAGE).items():
        if key not in OPTIONS:
            raise UserError(f"{key}={value}: not an option; {USAGE}")
        options[key] = value
    if not options["port"].isdigit() or not 0 < int(options["port"]) < 65536:
        raise UserError(f"port={options['port']}: use a number between 1 and 65535")
    return checkpoint, options


def check_port(host: str, port: int) -> None:
    """Raise UserError when the port is taken (Gradio would otherwise try others, or fail with a long trace)."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise UserError(f"port {port} on {host} is in use; pick another with port=N") from None


def main(argv: list[str] | None = None) -> None:
    runtime.setup()
    with exit_on_user_error("ganaug.demo"):
        checkpoint, options = parse(sys.argv[1:] if argv is None else argv)
        predictor = Predictor.load(checkpoint)
        check_port(options["host"], int(options["port"]))
        try:
            from ganaug.inference.demo_app import Demo, build
        except ImportError:
            raise UserError("the page needs Gradio: pip install 'ganaug[demo]'") from None
    collect = Path(options["collect"]) if options["collect"] else None
    page = build(Demo(predictor, collect))
    print(f"ganaug demo: open http://{options['host']}:{options['port']} (Ctrl-C stops it)")
    page.launch(server_name=options["host"], server_port=int(options["port"]), show_api=False, quiet=True)


if __name__ == "__main__":
    main()
