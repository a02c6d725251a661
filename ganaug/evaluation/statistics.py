"""Summary statistics over seeds: mean, standard deviation and a t-distribution 95 % confidence interval."""
from __future__ import annotations

import math
from dataclasses import dataclass

# Two-sided 95 % critical values of Student's t by degrees of freedom; between entries the next
# smaller df is used, which gives a slightly wider (conservative) interval.
_T95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}


def t95(df: int) -> float:
    """The two-sided 95 % critical value of Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("a confidence interval needs at least two values")
    return _T95[max(k for k in _T95 if k <= df)] if df <= 120 else 1.960


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
