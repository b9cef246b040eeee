"""``smartlogistics smartgate train|evaluate|generate-history``: JSON contract and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests._cli import cli_error, cli_json

from ._model_helpers import HISTORY


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    return cli_json(capsys, argv)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    return cli_error(capsys, argv)


@pytest.fixture(scope="module")
def spaced_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small history with spaces in some column names."""
    path = tmp_path_factory.mktemp("spaced") / "history with spaces.csv"
    text = HISTORY.read_text().splitlines()
    header = text[0].replace("gross_weight_kg", "gross weight kg").replace("label", "was hit")
    path.write_text("\n".join([header, *text[1:]]) + "\n")
    return path


def test_generate_train_evaluate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "h.csv"
    gen = _json(
        capsys,
        [
            "smartgate",
            "generate-history",
            "--n",
            "1500",
            "--seed",
            "2",
            "--out",
            str(data),
            "--json",
        ],
    )
    assert gen["rows"] == 1500 and gen["synthetic"] is True
    model = tmp_path / "model"
    trained = _json(
        capsys,
        [
            "smartgate", "train", "--data", str(data), "--label", "label", "--id", "id",
            "--date", "date", "--value", "value_at_stake", "--exclude", "house_awb",
            "--exclude", "master_awb", "--out", str(model), "--seed", "1", "--json",
        ],
    )  # fmt: skip
    assert trained["version"].startswith("sg-")
    assert trained["columns"]["house_awb"] == "ignored"
    assert (model / "model.txt").is_file()
    report = _json(
        capsys,
        [
            "smartgate", "evaluate", "--model", str(model), "--data", str(HISTORY),
            "--rates", "0.01,0.02,0.05,0.1", "--json",
        ],
    )  # fmt: skip
    assert set(report) == {"n", "positives", "auc", "at_rate"}
    assert report["n"] == 1200
    assert [r["rate"] for r in report["at_rate"]] == [0.01, 0.02, 0.05, 0.1]
    assert set(report["at_rate"][0]) == {"rate", "inspected", "precision", "recall", "revenue"}
    assert report["at_rate"][2]["inspected"] == 60


def test_columns_with_spaces(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spaced_csv: Path
) -> None:
    trained = _json(
        capsys,
        [
            "smartgate", "train", "--data", str(spaced_csv), "--label", "was hit",
            "--exclude", "gross weight kg", "--out", str(tmp_path / "m"), "--json",
        ],
    )  # fmt: skip
    assert trained["columns"]["gross weight kg"] == "ignored"
    report = _json(
        capsys,
        ["smartgate", "evaluate", "--model", str(tmp_path / "m"), "--data", str(spaced_csv),
         "--json"],
    )  # fmt: skip
    assert "revenue" not in report["at_rate"][0]  # no --value given


def test_missing_label_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _error(
        capsys,
        ["smartgate", "train", "--data", str(HISTORY), "--label", "outcome", "--out",
         str(tmp_path / "m")],
    )  # fmt: skip
    assert line.startswith("error: --label: data has no label column 'outcome' (it has: id,")


def test_unknown_exclude(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _error(
        capsys,
        ["smartgate", "train", "--data", str(HISTORY), "--label", "label", "--exclude",
         "no such col", "--out", str(tmp_path / "m")],
    )  # fmt: skip
    assert line.startswith("error: --exclude: unknown column 'no such col' (data has: id,")


def test_bad_rates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _error(
        capsys,
        ["smartgate", "evaluate", "--model", str(tmp_path), "--data", str(HISTORY), "--rates",
         "0.05,ten", "--json"],
    )  # fmt: skip
    assert line == "error: --rates: must be comma-separated shares in (0, 1], got 'ten'"


def test_missing_file_and_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _error(
        capsys,
        ["smartgate", "train", "--data", str(tmp_path / "x.csv"), "--label", "y", "--out",
         str(tmp_path / "m")],
    )  # fmt: skip
    assert line == f"error: --data: no such file: {tmp_path / 'x.csv'}"
    line = _error(
        capsys, ["smartgate", "evaluate", "--model", str(tmp_path), "--data", str(HISTORY)]
    )
    assert "is not a model artifact" in line


def test_generate_bad_n(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _error(capsys, ["smartgate", "generate-history", "--n", "0", "--out", str(tmp_path)])
    assert line == "error: --n: must be at least 1, got 0"
