"""ganaug: a GAN trained on a few dozen digits per class augments a small classifier's training set."""
