"""scripts/bench: each benchmark has a smoke run, committed results and its docs; the load generator.

The benchmarks themselves need the bench virtualenv (``scripts/bench/setup.sh``) and a
quiet machine, so they are not run here; what is checked is what keeps them usable.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import _loadgen
import _perf
import pytest
import service_create

BENCH = Path(__file__).resolve().parent.parent / "bench"
ROOT = BENCH.parent.parent
_OUTPUT = re.compile(r'^DEFAULT_OUTPUT = HERE / "results" / "(\w+)\.json"$', re.M)


def _benchmarks() -> list[str]:
    """The scripts that write ``results/<name>.json``: the benchmarks."""
    found = []
    for script in sorted(BENCH.glob("*.py")):
        match = _OUTPUT.search(script.read_text(encoding="utf-8"))
        if match is not None:
            assert match.group(1) == script.stem, f"{script.name} writes {match.group(1)}.json"
            found.append(script.stem)
    return found


BENCHMARKS = _benchmarks()


def test_the_benchmarks_are_found() -> None:
    assert {"core_dispatch", "views_list", "service_create"} <= set(BENCHMARKS)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_has_a_quick_smoke_run(name: str) -> None:
    source = (BENCH / f"{name}.py").read_text(encoding="utf-8")
    assert '"--quick"' in source or "_perf.parse(" in source  # _perf's parser has --quick


def test_a_quick_run_shortens_the_timing_and_the_http_part() -> None:
    parser = _perf.parser("a bench", BENCH / "results" / "x.json", rounds=9)
    parser.add_argument("--http-rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=2)
    args = _perf.parse(parser, ["--quick"])
    assert (args.rounds, args.values, args.warmups) == (2, 1, 0)
    assert (args.http_rounds, args.duration) == (1, 1.0)
    assert _perf.parse(parser, []).rounds == 9


# -- the in-process timing (_perf.py, on pyperf) -------------------------------------------


def test_every_implementation_runs_in_every_round_the_order_rotating() -> None:
    calls: list[str] = []

    def timer(name: str, us: float) -> _perf.Timer:
        def run(n: int) -> float:
            calls.append(name)
            return us

        return run

    parser = _perf.parser("a bench", BENCH / "results" / "x.json", rounds=3)
    args = _perf.parse(parser, ["--values", "2", "--warmups", "1", "--min-time", "1e-9"])
    benches = _perf.measure({"fast": timer("fast", 10.0), "slow": timer("slow", 25.0)}, args)
    timed = calls[-3 * 2 * 3 :]  # 3 rounds x 2 implementations x (1 warm-up + 2 values)
    firsts = [timed[i] for i in range(0, len(timed), 3)]
    assert firsts == ["fast", "slow", "slow", "fast", "fast", "slow"]
    assert [bench[0].get_nrun() for bench in benches.values()] == [3, 3]  # a pyperf Run per round
    rounds = {key: _perf.rounds_us(bench[0]) for key, bench in benches.items()}
    assert rounds == {"fast": [10.0] * 3, "slow": [25.0] * 3}
    ratio = _perf.summary(rounds, "fast")["ratio_to_fast"]["slow"]
    assert (ratio["median"], ratio["best_rounds"]) == (2.5, 2.5)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_has_committed_results(name: str) -> None:
    assert (BENCH / "results" / f"{name}.json").is_file()


@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_is_documented_in_the_bench_readme_and_the_benchmarks_page(
    name: str,
) -> None:
    assert f"{name}.py" in (BENCH / "README.md").read_text(encoding="utf-8")
    assert f"{name}.py" in (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")


# -- the load generator (_loadgen.py) ----------------------------------------------------


async def _serve_and_load(expect: int) -> tuple[dict[str, Any], list[tuple[bytes, bytes]]]:
    """Load a server that answers every request 201, on loopback; what the load saw, and sent."""
    received: list[tuple[bytes, bytes]] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"\r\ncontent-length: (\d+)", head.lower())
                body = await reader.readexactly(int(length.group(1)) if length else 0)
                received.append((head.split(b" ", 1)[0], body))
                writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        figures = await _loadgen.load(
            [("127.0.0.1", port)], "/authors/", 2, 0.05, 0.2,
            headers={"Content-Type": "application/json"},
            method="POST", body=b'{"name": "Ada"}', expect=expect,
        )  # fmt: skip
    return figures, received


def test_the_load_generator_posts_its_body_and_counts_the_expected_status_as_good() -> None:
    figures, received = asyncio.run(_serve_and_load(expect=201))
    assert figures["requests"] > 0
    assert figures["non_200"] == 0 and figures["socket_errors"] == 0
    assert {method for method, _ in received} == {b"POST"}
    assert {body for _, body in received} == {b'{"name": "Ada"}'}


def test_the_load_generator_counts_any_other_status_as_bad() -> None:
    figures, _ = asyncio.run(_serve_and_load(expect=200))
    assert figures["requests"] > 0
    assert figures["non_200"] == figures["requests"]


# -- service_create.py's figures ---------------------------------------------------------


def test_service_create_takes_ratios_round_by_round_then_their_median_and_spread() -> None:
    summary = service_create._summary(
        {
            "drf": [100.0, 200.0, 100.0, 100.0, 100.0],
            "restflow-async": [90.0, 100.0, 120.0, 80.0, 95.0],
        }
    )
    assert summary["best"] == {"drf": 100.0, "restflow-async": 80.0}
    ratio = summary["ratio_to_drf"]["restflow-async"]
    assert (ratio["median"], ratio["min"], ratio["max"]) == (0.9, 0.5, 1.2)
    assert ratio["q1"] <= 0.9 <= ratio["q3"]
    assert ratio["best_rounds"] == 0.8  # best against best, from different rounds


def test_service_create_judges_its_target_over_http_and_reports_in_process_parts_beside_it() -> (
    None
):
    def part(median: float) -> dict[str, Any]:
        ratio = {"median": median, "q1": 0.8, "q3": 1.3, "best_rounds": median}
        return {clock: {"ratio_to_drf": {"restflow-async": ratio}} for clock in ("wall", "cpu")}

    checks = service_create.targets({"direct": part(1.2), "asgi": part(0.95), "http": part(1.05)})
    assert [(c["name"], c["judged"], c["ok"]) for c in checks] == [
        ("direct, wall: restflow-async / drf", False, None),
        ("direct, cpu: restflow-async / drf", False, None),
        ("asgi, wall: restflow-async / drf", False, None),
        ("asgi, cpu: restflow-async / drf", False, None),
        ("http, wall: restflow-async / drf", True, False),
        ("http, cpu: restflow-async / drf", True, False),
    ]
    assert checks[0]["target"].startswith("context: ")
    passing = service_create.targets({"http": part(0.97)})
    assert [(c["ratio"], c["ok"]) for c in passing] == [(0.97, True), (0.97, True)]
