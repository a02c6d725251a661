"""`python -m ganaug.demo CHECKPOINT [port=N] [host=ADDRESS] [collect=DIR]`: a local page to draw digits on and see
how a trained classifier reads them; with `collect=DIR` also a tab that saves drawings as DIR/<class>/<n>.png, a
folder to train on. Bound to 127.0.0.1 (this machine only) unless host= says otherwise (settings:
`ganaug/conf/demo.yaml`). Needs `pip install 'ganaug[demo]'`."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from ganaug.inference.predictor import Predictor
from ganaug.utils.commands import run_command
from ganaug.utils.config import CONFIG_PATH, validate
from ganaug.utils.errors import UserError, exit_on_user_error

LOCAL = ("127.0.0.1", "localhost", "::1")


def check_port(host: str, port: int) -> None:
    """Raise UserError when the port is taken (Gradio would otherwise try others, or fail with a long trace)."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise UserError(f"port {port} on {host} is in use; pick another with port=N") from None


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="demo")
def main(options: DictConfig) -> None:
    with exit_on_user_error("ganaug.demo"):
        validate(options, "demo")
        predictor = Predictor.load(Path(options.checkpoint))
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
    # flushed: the page serves until stopped, and where stdout is a pipe (a log, a process manager) the line would
    # wait in its buffer and be lost when the process is stopped
    print(f"ganaug demo: open http://{options['host']}:{options['port']} (Ctrl-C stops it)", flush=True)
    page.launch(server_name=options["host"], server_port=options["port"], quiet=True, **launch_options())


def cli(argv: list[str] | None = None) -> None:
    run_command("demo", main, argv)


if __name__ == "__main__":
    cli()
