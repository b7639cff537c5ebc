"""What ``performance`` and ``estimate`` print: 4 significant digits, direction,
thresholds, the side of each alert, realized beside estimated, and the notes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import accuracy_score

from watchkeeper.cli import _main


def _write(path: Path, y: list[int], pred: list[int]) -> str:
    pq.write_table(pa.table({"y": y, "pred": pred}), path)
    return str(path)


@pytest.fixture
def small(tmp_path: Path) -> tuple[str, str]:
    # Reference: six chunks of 4 rows, accuracy 1, 0.75, 1, 0.75, 1, 0.75.
    y_ref = [1, 0, 1, 0] * 6
    right, one_wrong = [1, 0, 1, 0], [0, 0, 1, 0]
    pred_ref = (right + one_wrong) * 3
    # Current: 13 rows in chunks of 4; the 13th row joins chunk 2, which runs [8:13].
    # Accuracy 1 (4 of 4), 0.5 (2 of 4), 0.2 (1 of 5).
    y_cur = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
    pred_cur = [1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1]
    return (
        _write(tmp_path / "ref.parquet", y_ref, pred_ref),
        _write(tmp_path / "cur.parquet", y_cur, pred_cur),
    )


def test_performance_prints_direction_thresholds_and_alert_side(
    small: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ref, cur = small
    args = ["performance", ref, cur, "--target", "y", "--prediction", "pred",
            "--metric", "accuracy", "--chunk-size", "4"]  # fmt: skip
    assert _main.main(args) == 0
    out, err = capsys.readouterr()
    # Baseline 0.875; sample std of (1, .75, 1, .75, 1, .75) = 0.125 * sqrt(6/5) = 0.136931;
    # lower 0.875 - 3 * 0.136931 = 0.464208; upper 1.285792 clipped to accuracy's 1.
    # Sampling error s * sqrt(mean reference size 4 / n): 0.1369 at n=4, 0.1225 at n=5.
    assert out.splitlines() == [
        "accuracy (higher is better): baseline 0.875, alerts below 0.4642 or above 1",
        "  chunk 0 [0:4]  realized 1 ± 0.1369",
        "  chunk 1 [4:8]  realized 0.5 ± 0.1369",
        "  chunk 2 [8:13]  realized 0.2 ± 0.1225  ALERT below 0.4642",
        "note: current data: the last 1 row joined the chunk before it ([8:13], 5 rows) "
        "instead of forming a chunk of its own (chunk size 4)",
    ]
    assert err == ""  # six reference chunks: thresholds are trusted, no warning


def test_performance_json_to_stdout_prints_only_json(
    small: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ref, cur = small
    args = ["performance", ref, cur, "--target", "y", "--prediction", "pred",
            "--metric", "accuracy", "--chunk-size", "4", "--json", "-"]  # fmt: skip
    assert _main.main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["n_reference_chunks"], payload["thresholds_reliable"]) == (6, True)
    assert payload["metrics"][0]["lower_threshold"] == pytest.approx(
        0.875 - 3 * 0.125 * np.sqrt(1.2), rel=1e-12
    )


def test_few_reference_chunks_warn_on_one_line_unless_quiet(
    small: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ref, cur = small
    args = ["performance", ref, cur, "--target", "y", "--prediction", "pred",
            "--metric", "accuracy", "--chunk-size", "6"]  # fmt: skip
    assert _main.main(args) == 0
    err = capsys.readouterr().err
    assert err == (
        "watchkeeper: warning: thresholds rest on 4 reference chunks (fewer than 6) and are "
        "unreliable; use a smaller chunk size or more reference data\n"
    )
    assert _main.main([*args, "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.fixture
def scored(tmp_path: Path) -> tuple[str, str, str]:
    rng = np.random.default_rng(0)
    paths = []
    for name, n, labelled in (("ref", 3000, True), ("cur", 1000, True), ("nolab", 1000, False)):
        p = rng.beta(2, 2, n)
        columns = {"p": p, "pred": (p > 0.5).astype(int)}
        if labelled:
            columns["y"] = rng.binomial(1, p)
        pq.write_table(pa.table(columns), tmp_path / f"{name}.parquet")
        paths.append(str(tmp_path / f"{name}.parquet"))
    return paths[0], paths[1], paths[2]


def _four_digits(text: str) -> bool:
    """``text`` is a number as ``:.4g`` writes it (at most 4 significant digits)."""
    return text == f"{float(text):.4g}"


def test_estimate_prints_four_digits_realized_and_thresholds(
    scored: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ref, cur, _ = scored
    args = ["estimate", ref, cur, "--prediction", "pred", "--score", "p", "--target", "y",
            "--metric", "accuracy", "--chunk-size", "250"]  # fmt: skip
    assert _main.main(args) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""  # 12 reference chunks
    header = re.fullmatch(
        r"accuracy \(higher is better\): baseline (\S+), alerts below (\S+) or above (\S+)",
        lines[0],
    )
    assert header is not None and all(_four_digits(g) for g in header.groups())
    chunk = re.compile(
        r"  chunk (\d) \[(\d+):(\d+)\]  estimated (\S+) ± (\S+)  realized (\S+)"
        r"(?:  ALERT (?:below|above) (\S+))?"
    )
    table = pq.read_table(cur)
    y, pred = table.column("y").to_numpy(), table.column("pred").to_numpy()
    assert lines[5:] == ["note: isotonic calibration applied to class codes [1]"]
    rows = [chunk.fullmatch(line) for line in lines[1:5]]
    assert all(rows), lines
    spans = []
    for row in rows:
        assert row is not None
        start, end = int(row.group(2)), int(row.group(3))
        spans.append((start, end))
        assert all(_four_digits(g) for g in row.groups()[3:] if g is not None)
        # The realized value, against scikit-learn on the same rows.
        assert row.group(6) == f"{accuracy_score(y[start:end], pred[start:end]):.4g}"
        if row.group(7) is not None:
            assert row.group(7) in (header.group(2), header.group(3))
    assert spans == [(0, 250), (250, 500), (500, 750), (750, 1000)]


def test_estimate_without_labels_prints_no_realized(
    scored: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ref, _, nolab = scored
    args = ["estimate", ref, nolab, "--prediction", "pred", "--score", "p", "--target", "y",
            "--metric", "accuracy", "--chunk-size", "250"]  # fmt: skip
    assert _main.main(args) == 0
    out = capsys.readouterr().out
    assert "estimated" in out and "realized" not in out


def test_estimate_warns_with_few_reference_chunks_and_says_so_in_json(
    scored: tuple[str, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref, cur, _ = scored
    out = tmp_path / "est.json"
    args = ["estimate", ref, cur, "--prediction", "pred", "--score", "p", "--target", "y",
            "--metric", "accuracy", "--chunk-size", "1000", "--json", str(out)]  # fmt: skip
    assert _main.main(args) == 0
    assert "thresholds rest on 3 reference chunks (fewer than 6)" in capsys.readouterr().err
    payload = json.loads(out.read_text())
    assert payload["thresholds_reliable"] is False
    assert payload["result"]["n_reference_chunks"] == 3
