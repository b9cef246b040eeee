"""The solution contract and the independent feasibility checker."""

from __future__ import annotations

from smartlogistics.design import DesignInstance, DesignSolution, check_solution, solve


def test_json_contract(hand: DesignInstance) -> None:
    payload = solve(hand, time_limit=10).to_json()
    assert list(payload) == ["status", "objective", "bound", "gap", "seconds", "open_arcs", "flows"]
    assert payload["status"] == "optimal"
    assert payload["open_arcs"] == [0, 1, 5]
    assert payload["flows"] == [[0, 0, 8.0], [1, 0, 8.0], [5, 1, 4.0]]
    assert payload["gap"] == 0.0


def test_checker_finds_each_kind_of_problem(hand: DesignInstance) -> None:
    good = solve(hand, time_limit=10)
    assert check_solution(hand, good) == []
    over = DesignSolution("feasible", 1e9, None, 0.0, (4, 5), ((4, 0, 8.0), (5, 1, 4.0)))
    problems = check_solution(hand, over)
    assert "arc 4: load 8 exceeds capacity 6" in problems
    assert any(p.startswith("objective 1e+09 differs") for p in problems)
    unlinked = DesignSolution("feasible", 41.0, None, 0.0, (0, 1), good.flows)
    assert "flow (5, 1): arc 5 carries flow but is not open" in check_solution(hand, unlinked)
    short = DesignSolution("feasible", 21.0, None, 0.0, (0, 5), ((0, 0, 8.0), (5, 1, 4.0)))
    assert "commodity 0 at node 'B': net outflow -8, expected 0" in check_solution(hand, short)
