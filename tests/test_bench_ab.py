"""bench/bench_api_ab.py's variants: what a ``--variant`` names, and what it refuses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.bench_api_ab import ROOT, Variant


def test_a_bare_name_is_this_checkout_on_two_gthread_workers_of_four_threads() -> None:
    assert Variant.parse("now") == Variant("now", "service.serving.ProblemThreadWorker", 4, 2,
                                           ROOT, None)


def test_a_variant_names_its_worker_class_threads_workers_tree_and_venv(
        tmp_path: Path) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "app.py").write_text("")
    venv = Path(sys.executable).parent.parent
    assert (venv / "bin" / "gunicorn").is_file()  # this interpreter's environment
    parsed = Variant.parse(f"old:class=service.serving.ProblemWorker,threads=1,workers=8,"
                           f"tree={tmp_path},venv={venv}")
    assert parsed == Variant("old", "service.serving.ProblemWorker", 1, 8, tmp_path.resolve(),
                             venv.resolve())


@pytest.mark.parametrize("text", [
    ":threads=2",                  # no name
    "x:thread=2",                  # an unknown key
    "x:threads",                   # no value
    "x:tree=/nonexistent/leerplek",  # no service/app.py there
    "x:venv=/nonexistent/venv",    # no bin/gunicorn there
])
def test_a_variant_that_names_nothing_servable_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Variant.parse(text)
