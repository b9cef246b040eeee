"""The exact method: a hand-solved instance, infeasibility, brute force on tiny instances."""

from __future__ import annotations

import itertools

import highspy
import pytest

from smartlogistics.design import DesignInstance, check_solution, generate_instance, solve


def test_hand_instance_optimum(hand: DesignInstance) -> None:
    """Optimum 41: open A-B, B-D (commodity 0) and B-C (commodity 1).

    Commodity 1 (B->C, 4) has one path, B-C: 4 * 1 + fixed 1 = 5. Commodity 0 (A->D, 8):
    A-B-D costs 8 * 2 + 10 + 10 = 36; A-C-D 8 * 4 + 5 + 5 = 42; A-D carries at most 6
    (6 * 6 + 1 = 37) and the other 2 units must open a second path (>= 2 * 4 + 10);
    A-B-C-D costs 4 a unit plus 15 fixed and B-C has only 6 units left, so the rest needs
    another path again. Any split only adds fixed costs. Total 36 + 5 = 41.
    """
    sol = solve(hand, time_limit=10, method="exact")
    assert sol.status == "optimal"
    assert sol.objective == 41.0
    assert sol.bound == pytest.approx(41.0, abs=1e-6)
    assert sol.gap == pytest.approx(0.0, abs=1e-9)
    assert sol.open_arcs == (0, 1, 5)
    assert sol.flows == ((0, 0, 8.0), (1, 0, 8.0), (5, 1, 4.0))
    assert check_solution(hand, sol) == []


def test_infeasible_instance(infeasible: DesignInstance) -> None:
    """Demand 8 from 1 to 2, but the cut around node 1 towards 2 carries only 4 + 3 = 7."""
    for method in ("exact", "matheuristic"):
        sol = solve(infeasible, time_limit=10, method=method)
        assert sol.status == "infeasible"
        assert sol.objective is None
        assert sol.gap is None
        assert sol.to_json()["flows"] == []


def test_zero_demand_is_free() -> None:
    inst = DesignInstance.from_mapping(
        {
            "nodes": [1, 2],
            "arcs": [{"from": 1, "to": 2, "variable_cost": 1, "capacity": 1, "fixed_cost": 1}],
            "commodities": [{"origin": 1, "destination": 2, "demand": 0}],
        }
    )
    sol = solve(inst, time_limit=5)
    assert (sol.status, sol.objective, sol.open_arcs) == ("optimal", 0.0, ())


def _flow_cost(instance: DesignInstance, open_arcs: tuple[int, ...]) -> float | None:
    """Min-cost multicommodity flow over ``open_arcs`` (independent HiGHS model)."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    nodes = instance.node_index()
    x = {
        (a, k): h.addVariable(lb=0.0, obj=instance.arcs[a].variable_cost)
        for a in open_arcs
        for k in range(len(instance.commodities))
    }
    for k, com in enumerate(instance.commodities):
        for node in nodes:
            out = [x[a, k] for a in open_arcs if instance.arcs[a].source == node]
            inn = [x[a, k] for a in open_arcs if instance.arcs[a].target == node]
            rhs = (
                com.demand if node == com.origin else -com.demand if node == com.destination else 0
            )
            if not out and not inn:
                if rhs:
                    return None
                continue
            h.addConstr(sum(out) - sum(inn) == rhs)
    for a in open_arcs:
        h.addConstr(
            sum(x[a, k] for k in range(len(instance.commodities))) <= instance.arcs[a].capacity
        )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value) + sum(
        instance.arcs[a].fixed_cost for a in open_arcs
    )


def _brute_force(instance: DesignInstance) -> float | None:
    best: float | None = None
    n = len(instance.arcs)
    for r in range(n + 1):
        for subset in itertools.combinations(range(n), r):
            cost = _flow_cost(instance, subset)
            if cost is not None and (best is None or cost < best):
                best = cost
    return best


@pytest.mark.parametrize(
    ("seed", "fixed_ratio", "capacity_ratio"),
    [(0, 1, 1), (1, 5, 2), (2, 10, 2), (3, 5, 8), (4, 2, 4)],
)
def test_exact_equals_brute_force(seed: int, fixed_ratio: float, capacity_ratio: float) -> None:
    inst = generate_instance(
        4, 6, 2, fixed_ratio=fixed_ratio, capacity_ratio=capacity_ratio, seed=seed
    )
    best = _brute_force(inst)
    sol = solve(inst, time_limit=10, method="exact")
    if best is None:
        assert sol.status == "infeasible"
        return
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(best, rel=1e-9, abs=1e-6)
    assert check_solution(inst, sol) == []
    heuristic = solve(inst, time_limit=10, method="matheuristic", seed=seed)
    assert heuristic.objective == pytest.approx(best, rel=1e-9, abs=1e-6)
