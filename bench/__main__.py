"""`make bench`: run the benchmarks and print their figures.

    python -m bench [send|inbound ...] [--messages N] [--users N] [--rounds N]
"""
from __future__ import annotations

import argparse
import asyncio
import logging

from bench import inbound, send_rate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("which", nargs="*", help="send, inbound (default: both)")
    parser.add_argument("--messages", type=int, default=10_000, help="send rate: messages and chats")
    parser.add_argument("--users", type=int, default=1_000, help="inbound: bound users")
    parser.add_argument("--rounds", type=int, default=5, help="inbound: presses per user")
    args = parser.parse_args()
    args.which = args.which or ["send", "inbound"]
    if unknown := set(args.which) - {"send", "inbound"}:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.ERROR)
    if "send" in args.which:
        asyncio.run(send_rate.main(args.messages))
    if "inbound" in args.which:
        asyncio.run(inbound.main(args.users, args.rounds))


if __name__ == "__main__":
    main()
