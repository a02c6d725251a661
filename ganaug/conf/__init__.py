"""The Hydra configs of ganaug's commands (`train.yaml`, `prepare.yaml` and their groups), shipped inside the package
so an installed ganaug finds them as `pkg://ganaug.conf`; the repository's top-level `conf/` links here."""
