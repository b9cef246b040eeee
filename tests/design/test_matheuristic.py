"""The matheuristic: feasible, bounded below by its bound, optimal on a hand instance."""

from __future__ import annotations

import pytest

from smartlogistics.design import (
    DesignInstance,
    check_solution,
    choose_method,
    generate_instance,
    solve,
)


def test_finds_the_hand_optimum(hand: DesignInstance) -> None:
    sol = solve(hand, time_limit=10, method="matheuristic")
    assert sol.method == "matheuristic"
    assert sol.status == "optimal"
    assert sol.objective == 41.0
    assert sol.open_arcs == (0, 1, 5)
    assert check_solution(hand, sol) == []


@pytest.mark.parametrize("seed", [0, 1])
def test_medium_instance_is_feasible_and_bounded(seed: int) -> None:
    inst = generate_instance(15, 80, 40, fixed_ratio=10, capacity_ratio=8, seed=seed)
    sol = solve(inst, time_limit=4, method="matheuristic", seed=seed)
    assert sol.status in ("feasible", "optimal")
    assert check_solution(inst, sol) == []
    assert sol.objective is not None and sol.bound is not None
    assert sol.objective >= sol.bound - 1e-6 * sol.objective
    assert 0.0 <= (sol.gap or 0.0) < 1.0
    assert sol.seconds < 4 + 2  # the limit, plus model building slack


def test_same_seed_same_design_when_solved_to_the_end(hand: DesignInstance) -> None:
    a = solve(hand, time_limit=10, method="matheuristic", seed=3)
    b = solve(hand, time_limit=10, method="matheuristic", seed=3)
    assert a.flows == b.flows


def test_auto_rule() -> None:
    small = generate_instance(10, 35, 10, seed=0)
    large = generate_instance(20, 200, 100, seed=0)
    assert choose_method(small) == "exact"
    assert choose_method(large) == "matheuristic"
    assert solve(small, time_limit=10).method == "exact"


def test_rejects_bad_parameters(hand: DesignInstance) -> None:
    from smartlogistics.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match=r"^time_limit: must be > 0, got 0$"):
        solve(hand, time_limit=0)
    with pytest.raises(InvalidInputError, match=r"^method: "):
        solve(hand, time_limit=1, method="magic")  # type: ignore[arg-type]
