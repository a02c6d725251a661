"""The digits a run trains and tests on: data modules for the built-in set, MNIST and the user's own folders, and
turning photos, scans and sheets of handwriting into MNIST-like 28×28 digits."""
