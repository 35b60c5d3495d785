"""Where does a restflow request spend its time? Diagnostics for core_dispatch.py.

  .bench-venv/bin/python scripts/bench/profile_dispatch.py steps      # µs per DRF step
  .bench-venv/bin/python scripts/bench/profile_dispatch.py cprofile   # cProfile, direct path
  .bench-venv/bin/python scripts/bench/profile_dispatch.py asgi       # pyinstrument, ASGIHandler
  .bench-venv/bin/python scripts/bench/profile_dispatch.py cycles     # cyclic garbage per request

``steps`` times each step of restflow's dispatch loop in isolation on the
lean bench view (best of several batches), so the cost of, e.g., building the
``Allow`` header or negotiating the renderer can be read off directly.
``cycles`` counts the objects per request that only the cyclic garbage
collector can free (reference cycles such as view <-> request), for every
endpoint, through ASGIHandler. ``asgi`` needs ``bash scripts/bench/setup.sh --profile`` for
pyinstrument (cProfile is in the standard library).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

import core_dispatch


def _best_us(func: Callable[[], Any], n: int, repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for _ in range(n):
            func()
        best = min(best, (time.perf_counter_ns() - start) / n / 1000)
    return best


async def _abest_us(func: Callable[[], Any], n: int, repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for _ in range(n):
            await func()
        best = min(best, (time.perf_counter_ns() - start) / n / 1000)
    return best


def steps(key: str, n: int) -> None:
    """Time each step of the dispatch loop for endpoint ``key`` on its own."""
    from django.test import AsyncRequestFactory
    from rest_framework.response import Response

    from benchproject.urls import ENDPOINTS

    path, view_func = ENDPOINTS[key]
    cls = view_func.view_class
    factory = AsyncRequestFactory()
    dj_request = factory.get(path, headers={"accept": core_dispatch.ACCEPT})

    def fresh_view() -> Any:
        view = cls(**view_func.view_initkwargs)
        view.setup(dj_request)
        view.args, view.kwargs = (), {}
        view.format_kwarg = None
        return view

    view = fresh_view()
    drf_request = view.initialize_request(dj_request)
    view.request = drf_request
    view.headers = view.default_response_headers
    neg = view.perform_content_negotiation(drf_request)
    drf_request.accepted_renderer, drf_request.accepted_media_type = neg

    def finalize() -> None:
        view.headers = view.default_response_headers
        view.finalize_response(drf_request, Response(core_dispatch_payload()))

    def render() -> None:
        response = view.finalize_response(drf_request, Response(core_dispatch_payload()))
        response.render()

    rows: list[tuple[str, float]] = [
        ("cls(**initkwargs) + setup()  [Django View.as_view body]", _best_us(fresh_view, n)),
        (
            "initialize_request()  (Request + parsers/authenticators/negotiator instances)",
            _best_us(lambda: view.initialize_request(dj_request), n),
        ),
        ("  get_parsers()", _best_us(view.get_parsers, n)),
        ("  get_authenticators()", _best_us(view.get_authenticators, n)),
        ("  get_content_negotiator()", _best_us(view.get_content_negotiator, n)),
        ("  get_parser_context()", _best_us(lambda: view.get_parser_context(dj_request), n)),
        (
            "default_response_headers  (Allow header from allowed_methods)",
            _best_us(lambda: view.default_response_headers, n),
        ),
        ("get_format_suffix()", _best_us(lambda: view.get_format_suffix(), n)),
        (
            "perform_content_negotiation()",
            _best_us(lambda: view.perform_content_negotiation(drf_request), n),
        ),
        ("determine_version()", _best_us(lambda: view.determine_version(drf_request), n)),
        ("get_permissions()", _best_us(view.get_permissions, n)),
        ("get_throttles()", _best_us(view.get_throttles, n)),
        ("Response(payload)", _best_us(lambda: Response(core_dispatch_payload()), n)),
        ("finalize_response() incl. default_response_headers", _best_us(finalize, n)),
        ("finalize_response() + render()", _best_us(render, n)),
    ]

    async def async_rows() -> list[tuple[str, float]]:
        async def run_step(name: str) -> None:
            result = getattr(view, name)(drf_request)
            if asyncio.iscoroutine(result):
                await result

        async def whole() -> None:
            result = view_func(factory.get(path, headers={"accept": core_dispatch.ACCEPT}))
            if asyncio.iscoroutine(result):
                await result

        async def factory_only() -> None:
            factory.get(path, headers={"accept": core_dispatch.ACCEPT})

        async def noop_coro() -> None:
            pass

        async def headers_first() -> None:
            factory.get(path, headers={"accept": core_dispatch.ACCEPT}).headers.get("accept")

        async def get_first() -> None:
            factory.get(path, headers={"accept": core_dispatch.ACCEPT}).GET.get("format")

        base = await _abest_us(factory_only, n)
        first_access = [
            (
                "  first request.headers on a new request (negotiation reads it)",
                await _abest_us(headers_first, n) - base,
            ),
            (
                "  first request.GET on a new request (negotiation's ?format= check)",
                await _abest_us(get_first, n) - base,
            ),
        ]
        is_async = hasattr(view, "aperform_authentication")
        names = (
            ["aperform_authentication", "acheck_permissions", "acheck_throttles"]
            if is_async
            else ["perform_authentication", "check_permissions", "check_throttles"]
        )
        found = [
            (f"{name}()", await _abest_us(lambda name=name: run_step(name), n)) for name in names
        ]
        return [
            *first_access,
            *found,
            ("(an empty `await coroutine()` for scale)", await _abest_us(noop_coro, n)),
            (
                "WHOLE view(request) minus AsyncRequestFactory.get() (rendered only if the view "
                "renders itself, as restflow does under ASGI)",
                await _abest_us(whole, n) - base,
            ),
        ]

    rows += asyncio.run(async_rows())
    print(f"\nsteps of {key} ({cls.__qualname__}), best of 7 × {n}, µs per call")
    for label, us in rows:
        print(f"  {us:8.2f}  {label}")


def core_dispatch_payload() -> dict[str, bool]:
    return {"ok": True}


def cprofile_direct(key: str, n: int, top: int) -> None:
    """cProfile ``n`` direct calls of endpoint ``key``; print the top functions."""
    from benchproject.urls import ENDPOINTS

    path, view = ENDPOINTS[key]
    run = core_dispatch.make_direct_runner(view, path)
    asyncio.run(run(200))
    profiler = cProfile.Profile()

    async def profiled() -> None:
        profiler.enable()
        await run(n)
        profiler.disable()

    asyncio.run(profiled())
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def pyinstrument_asgi(key: str, n: int) -> None:
    """pyinstrument over ``n`` requests of ``key`` through Django's ASGIHandler."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("pyinstrument is missing: bash scripts/bench/setup.sh --profile")
    from django.core.handlers.asgi import ASGIHandler

    from benchproject.urls import ENDPOINTS

    run = core_dispatch.make_asgi_runner(ASGIHandler(), ENDPOINTS[key][0])

    async def main() -> None:
        await run(200)
        profiler = Profiler(interval=0.0001, async_mode="disabled")
        profiler.start()
        await run(n)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))

    asyncio.run(main())


def cycles(n: int) -> None:
    """Objects per request left to the cyclic GC, per endpoint, through ASGIHandler."""
    import collections
    import gc

    from django.core.handlers.asgi import ASGIHandler

    from benchproject.urls import ENDPOINTS

    handler = ASGIHandler()

    async def main() -> None:
        print(f"\nobjects per request freed only by the cyclic GC ({n} requests each)")
        for key in core_dispatch.ALL:
            run = core_dispatch.make_asgi_runner(handler, ENDPOINTS[key][0])
            await run(20)
            gc.collect()
            gc.set_debug(gc.DEBUG_SAVEALL)
            gc.disable()
            try:
                await run(n)
                gc.collect()
            finally:
                gc.enable()
                gc.set_debug(0)
            kinds = collections.Counter(type(obj).__name__ for obj in gc.garbage)
            print(
                f"  {key:18} {len(gc.garbage) / n:6.1f}   "
                + ", ".join(f"{name} {count / n:g}" for name, count in kinds.most_common(8))
            )
            gc.garbage.clear()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["steps", "cprofile", "asgi", "cycles"])
    parser.add_argument("--endpoint", default="restflow", choices=core_dispatch.ALL)
    parser.add_argument("-n", type=int, default=3000)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    core_dispatch._ensure_bench_python(__file__)
    core_dispatch._setup_django()
    if args.mode == "steps":
        steps(args.endpoint, args.n)
    elif args.mode == "cprofile":
        cprofile_direct(args.endpoint, args.n, args.top)
    elif args.mode == "cycles":
        cycles(min(args.n, 200))
    else:
        pyinstrument_asgi(args.endpoint, args.n)


if __name__ == "__main__":
    main()
