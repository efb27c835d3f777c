"""``python -m bot bench --e2e`` as a smoke run: it completes and reports every figure.

The real measurement (2000 updates a phase) is run by hand; see README.md, "Benchmarks".
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # starts or kills bot processes


def test_the_end_to_end_benchmark_completes_and_reports_its_figures() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--e2e", "--queries", "13"],  # 52 updates a phase
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr  # 1: a target missed, which a tiny run may do
    out = run.stdout
    assert "吞吐：52 个问题同时到达，每秒回答" in out and "误答 0 条" in out
    assert "p50" in out and "p99" in out and "峰值内存" in out
    for target in ("p99_ms", "silent_per_s", "peak_mb"):
        assert f"目标 {target}" in out
    assert "Traceback" not in run.stderr and "ERROR" not in run.stderr
