"""The dashboard's charts: scales people can read, and an empty range said in words, not drawn."""

import pytest

from tickets import charts


@pytest.mark.parametrize("value, top", [
    (0, 1), (0.7, 0.8), (1, 1), (7, 8), (13, 16), (2171, 2400), (2401, 3000), (4100, 5000), (9000, 10000),
])
def test_the_axis_tops_just_above_the_tallest_bar(value, top):
    assert charts.nice_top(value) == top


def test_the_tallest_bar_fills_more_than_three_quarters_of_the_height():
    for value in range(1, 5000):
        assert value / charts.nice_top(value) > 0.75, value


def test_a_wait_distribution_of_nobody_says_there_is_nothing():
    figures = {"by_hour": []}
    distribution = charts.dashboard_charts(figures, {}, {}, [0, 0, 0], 5)[-1]
    assert distribution["empty"] and distribution["bars"] == []
    someone = charts.dashboard_charts(figures, {}, {}, [0, 1, 0], 5)[-1]
    assert not someone["empty"] and len(someone["bars"]) == 1


def test_the_ticks_quarter_the_top():
    chart = charts.bar_chart("Wait distribution", ["0-5"], [("customers", "bar", [2171])])
    assert [tick["label"] for tick in chart["ticks"]] == ["0", "600", "1200", "1800", "2400"]
