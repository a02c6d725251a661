"""The networks (plain `nn.Module`s), their augmentations, and the LightningModules that train them: the GAN, DAGAN
and the classifier."""
