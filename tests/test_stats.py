import math

import pytest

from ganaug.evaluation.statistics import summarize, t95


def test_summary_matches_a_hand_computed_interval():
    # values 1, 2, 3, 4: mean 2.5, sample variance 5/3, std 1.2910; t(3) = 3.182; half-width 3.182 * 1.2910 / 2
    s = summarize([1.0, 2.0, 3.0, 4.0])
    assert s.n == 4 and s.mean == 2.5
    assert s.std == pytest.approx(math.sqrt(5 / 3))
    assert s.ci95 == pytest.approx(2.0540, abs=1e-4)
    assert (s.low, s.high) == pytest.approx((2.5 - 2.0540, 2.5 + 2.0540), abs=1e-4)


def test_single_value_has_no_interval_and_t_table_is_conservative_between_entries():
    assert math.isnan(summarize([0.9]).ci95)
    assert t95(2) == 4.303 and t95(22) == t95(20) and t95(1000) == 1.96
    with pytest.raises(ValueError):
        t95(0)
