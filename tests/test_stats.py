import math

import pytest

from ganaug.evaluation.statistics import summarize, t95


def test_summary_matches_a_hand_computed_interval():
    # values 1, 2, 3, 4: mean 2.5, sample variance 5/3, std 1.2910; t(3) = 3.1824; half-width 3.1824 * 1.2910 / 2
    s = summarize([1.0, 2.0, 3.0, 4.0])
    assert s.n == 4 and s.mean == 2.5
    assert s.std == pytest.approx(math.sqrt(5 / 3))
    assert s.ci95 == pytest.approx(2.0543, abs=1e-4)
    assert (s.low, s.high) == pytest.approx((2.5 - 2.0543, 2.5 + 2.0543), abs=1e-4)


def test_single_value_has_no_interval_and_t_is_students():
    assert math.isnan(summarize([0.9]).ci95)
    # the textbook's table: t(2) 4.303, t(4) 2.776, t(22) 2.074; towards the normal's 1.960
    assert (t95(2), t95(4), t95(22)) == pytest.approx((4.303, 2.776, 2.074), abs=5e-4)
    assert t95(10_000) == pytest.approx(1.960, abs=1e-3)
    with pytest.raises(ValueError):
        t95(0)
