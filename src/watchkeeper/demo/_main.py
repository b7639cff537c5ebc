"""The demo's command line: ``python -m watchkeeper.demo [--no-serve] [--days N] [--port N]``.

The server listens on 127.0.0.1, port 8000 or the next free one; the addresses it
prints are the ones it serves (the acceptance suite opens each of them).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from watchkeeper.demo._batch import run_batch

__all__ = ["main"]


def _summary(result: dict[str, Any], demo: Any) -> None:
    windows = result["windows"]
    windows = windows.get("windows", windows) if isinstance(windows, dict) else windows
    alerts = result["alerts"]
    alerts = alerts.get("alerts", alerts) if isinstance(alerts, dict) else alerts
    closed = [w for w in windows if w.get("status") == "closed"]
    print(f"sent {result['sent']:,} predictions; {len(closed)} windows closed")
    print(f"alerts: {len(alerts)}")
    for alert in alerts:
        where = f" [{alert['feature']}]" if alert.get("feature") else ""
        segment = f" ({alert['segment']})" if alert.get("segment") else ""
        print(f"  {alert['state']:8} {alert['severity']:8} {alert['monitor']}{where}{segment}")
    received = demo.receiver.received
    valid = sum(1 for event in received if event.get("signature_valid"))
    print(f"webhook receiver got {len(received)} notifications ({valid} with a valid signature)")
    print(f"  logged to {(demo.folder / 'alerts.jsonl').resolve()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m watchkeeper.demo", description=__doc__)
    parser.add_argument(
        "--output", default="demo-output", metavar="FOLDER", help="folder for everything written"
    )
    parser.add_argument(
        "--days", type=int, default=4, metavar="DAYS", help="simulated days of traffic"
    )
    parser.add_argument(
        "--per-hour", type=int, default=120, metavar="N", help="predictions per hour"
    )
    parser.add_argument(
        "--port", type=int, default=8000, metavar="PORT", help="first port to try (default 8000)"
    )
    parser.add_argument("--no-serve", action="store_true", help="stop when the simulation ends")
    parser.add_argument("--batch-only", action="store_true", help="only the batch report")
    args = parser.parse_args(argv)
    folder = Path(args.output)
    print("== 1. the batch report ==")
    run_batch(folder)
    if args.batch_only:
        return 0
    from watchkeeper.demo._live import LiveDemo

    print()
    print(f"== 2. the live service: {args.days} simulated days of traffic ==")
    demo = LiveDemo(folder, days=args.days, per_hour=args.per_hour, port=args.port)
    demo.start()
    try:
        result = demo.simulate()
        _summary(result, demo)
        print()
        store = (folder / "watchkeeper.db").resolve()
        if args.no_serve:  # the server stops with the simulation: print no dead address
            print(f"store:      {store}   (API key for this run: {demo.key})")
            print(f"to browse it: watchkeeper serve --database-url sqlite:///{store}")
            print("             then http://127.0.0.1:8000/ui/ (sign in with the key above)")
            return 0
        print(f"server:     {demo.base}   (API key for this run: {demo.key})")
        print(f"dashboard:  {demo.base}/ui/   (sign in with the key above)")
        print(f"metrics:    {demo.base}/metrics")
        print(f"API docs:   {demo.base}/docs")
        print(f"store:      {store}")
        print("serving; press Ctrl-C to stop", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        demo.stop()


if __name__ == "__main__":
    sys.exit(main())
