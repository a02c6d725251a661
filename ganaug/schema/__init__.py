"""The typed schema of every command's config: one dataclass per config group option and per class a config names
with `_target_` (data sets, networks, transforms, the Trainer, loggers), each field typed, with its allowed values
and whether it changes what is trained. The YAML files extend it through Hydra's ConfigStore (`store`), so OmegaConf
types every value as Hydra composes; `validation.check` then holds the composed config to the rest (ranges, words,
the `_target_` nodes inside groups, checks across fields)."""
