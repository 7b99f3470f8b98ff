"""`python -m bench [--scale tiny] [--only scan,send] [--stores N ...] [--database postgresql]
[--replicas N]`: runs the benchmarks, printing one JSON line per figure as it is measured and a
table at the end. With `--database postgresql` or several replicas, the scan is made by that
many replica processes sharing the stores through one database (bench/fleet_scan.py)."""

from __future__ import annotations

import argparse
import os
import platform

from bench import buttons, fleet, fleet_scan, latency, push, scan, send, startup
from bench.report import Figure, emit, print_table

BENCHES = ("scan", "send", "buttons", "startup", "latency", "fleet", "push")
# Every option's default per scale; an option given on the command line wins.
SCALES: dict[str, dict[str, float]] = {
    "full": {
        "stores": 1000, "postings": 200, "alerts": 5000, "chats": 1000, "presses": 200, "bursts": 5,
        "startup_stores": 1000, "startup_alerts": 1_000_000, "latency_postings": 20,
        "intervals": 10, "push_stores": 1000, "push_rate": 100, "push_seconds": 60,
    },
    "tiny": {
        "stores": 4, "postings": 150, "alerts": 40, "chats": 10, "presses": 10, "bursts": 2,
        "startup_stores": 3, "startup_alerts": 1000, "latency_postings": 3, "intervals": 2,
        "push_stores": 5, "push_rate": 20, "push_seconds": 3,
    },
}  # fmt: skip


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benchmarks")
    for name in SCALES["full"]:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)
    parser.add_argument("--latency", type=float, default=0.05, help="fake Ozon latency, s")
    parser.add_argument("--rate-limit", type=int, default=50, help="Ozon requests/s per client")
    parser.add_argument("--global-rate", type=float, default=25.0, help="TELEGRAM_GLOBAL_RATE")
    parser.add_argument("--interval", type=int, default=2, help="CHECK_INTERVAL_SECONDS")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the scan's database; postgresql starts a server of its own",
    )
    parser.add_argument("--replicas", type=int, default=1, help="replicas making the scan")
    args = parser.parse_args(argv)
    for name, value in SCALES[args.scale].items():
        if getattr(args, name) is None:
            setattr(args, name, int(value))
    unknown = set(args.only.split(",")) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    return args


def run(args: argparse.Namespace) -> list[Figure]:
    """Runs the chosen benchmarks; each figure is printed as soon as its benchmark ends."""
    wanted = args.only.split(",")
    figures: list[Figure] = []
    if "scan" in wanted and (args.database != "sqlite" or args.replicas > 1):
        _, found = fleet_scan.run(args.stores, args.postings, args.latency, args.rate_limit,
                                  args.database, args.replicas)  # fmt: skip
        figures += map(emit, found)
    elif "scan" in wanted:
        figures += map(
            emit, scan.run(args.stores, args.postings, args.latency, args.rate_limit).figures
        )
    if "send" in wanted:
        figures += map(emit, send.run(args.alerts, args.chats, args.global_rate).figures)
    if "buttons" in wanted:
        figures += map(emit, buttons.run(args.presses, args.bursts).figures)
    if "startup" in wanted:
        figures += map(emit, startup.run(args.startup_stores, args.startup_alerts).figures)
    if "fleet" in wanted:
        figures += map(emit, fleet.run(args.alerts, args.chats, args.global_rate).figures)
    if "push" in wanted:
        figures += map(emit, push.run(args.push_stores, args.push_rate, args.push_seconds).figures)
    if "latency" in wanted:
        figures += map(
            emit, latency.run(args.latency_postings, args.intervals, args.interval).figures
        )
    return figures


def main() -> None:
    args = parse()
    print(f"# cores={os.cpu_count()} python={platform.python_version()} scale={args.scale}")
    print_table(run(args))


if __name__ == "__main__":
    main()
