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
from ganaug.utils.command_line import Command, Option
from ganaug.utils.errors import UserError, exit_on_user_error

COMMAND = Command("demo", "A local page to draw digits on and see how a trained classifier reads them.", {
    "port": Option("the port the page listens on", "7860", minimum=1, value="N"),
    "host": Option("the address it listens on; 0.0.0.0 reaches it from the network", "127.0.0.1", value="ADDRESS"),
    "collect": Option("a folder: adds a tab saving drawings as DIR/<class>/<n>.png", value="DIR"),
})


LOCAL = ("127.0.0.1", "localhost", "::1")


def parse(argv: list[str]) -> tuple[Path, dict]:
    checkpoint, _, options = COMMAND.parse(argv)
    if options["port"] > 65535:
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
        check_port(options["host"], options["port"])
        try:
            from ganaug.inference.demo_app import Demo, build, launch_options
        except ImportError:
            raise UserError("the page needs Gradio: pip install 'ganaug[demo]'") from None
    collect = Path(options["collect"]) if options["collect"] else None
    page = build(Demo(predictor, collect))
    if options["host"] not in LOCAL:
        print(f"ganaug.demo: warning: host={options['host']} makes the page reachable from the network, for anyone "
              "who can reach this machine", file=sys.stderr)
    print(f"ganaug demo: open http://{options['host']}:{options['port']} (Ctrl-C stops it)")
    page.launch(server_name=options["host"], server_port=options["port"], quiet=True, **launch_options())


if __name__ == "__main__":
    main()
