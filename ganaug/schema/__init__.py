"""The typed schema of every command's config: one dataclass per config group and per class a config names with
`_target_` (data sets, networks, transforms, the Trainer, loggers), each field typed, with its allowed values and
whether it changes what is trained. `ganaug.schema.validation.check` holds a composed config to it."""
