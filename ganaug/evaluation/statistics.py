"""Summary statistics over seeds: mean, standard deviation and a t-distribution 95 % confidence interval."""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import t as student_t

def t95(df: int) -> float:
    """The two-sided 95 % critical value of Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("a confidence interval needs at least two values")
    return float(student_t.ppf(0.975, df))


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    std: float  # sample standard deviation (n - 1)
    ci95: float  # half-width of the 95 % interval of the mean; nan for a single value

    @property
    def low(self) -> float:
        return self.mean - self.ci95

    @property
    def high(self) -> float:
        return self.mean + self.ci95


def summarize(values: list[float]) -> Summary:
    """Mean, sample std and 95 % t-interval half-width of `values`."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return Summary(n, mean, float("nan"), float("nan"))
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return Summary(n, mean, std, t95(n - 1) * std / math.sqrt(n))
