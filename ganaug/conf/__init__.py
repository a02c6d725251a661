"""The Hydra configs of ganaug's commands (`train.yaml`, `prepare.yaml` and their groups), shipped inside the package
so an installed ganaug finds them as `pkg://ganaug.conf`; the repository's top-level `conf/` links here. Loading
them stores their schemas (`ganaug.schema.store`), which the YAML files extend, so every way in to these configs
(a command, `compose` in a test or a notebook) finds both."""
from ganaug.schema.store import register

register()
