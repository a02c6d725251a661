"""Measures of generated digits (FID, KID, fidelity, diversity, near-copies) and the statistics and tables of a
sweep's report."""
