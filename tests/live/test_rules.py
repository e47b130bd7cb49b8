"""Quorum: two thirds of all members by default, any fraction from the settings."""
import pytest

from ecabinet.live.rules import compute_quorum, required_for_quorum


@pytest.mark.parametrize("total, required", [(0, 0), (1, 1), (3, 2), (4, 3), (15, 10), (16, 11), (35, 24)])
def test_two_thirds_of_all_members_rounded_up(total, required):
    assert required_for_quorum(total) == required


@pytest.mark.parametrize("present, total, met", [(10, 15, True), (9, 15, False), (0, 0, False), (3, 4, True)])
def test_quorum_met(present, total, met):
    assert compute_quorum(present, total).met is met


def test_other_fractions_come_from_settings():
    assert required_for_quorum(20, 1, 2) == 10
    assert compute_quorum(10, 20, 1, 2).met
    with pytest.raises(ValueError):
        required_for_quorum(10, 1, 0)
