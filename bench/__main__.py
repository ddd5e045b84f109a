"""`make bench`: run the benchmarks and print their figures.

    python -m bench [send|inbound|roster|help|activities|broadcast|console ...] [--messages N] [--users N] [--rounds N]
"""
from __future__ import annotations

import argparse
import asyncio
import logging

from bench import activities, broadcast, console, help_queue, inbound, roster, send_rate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("which", nargs="*",
                        help="send, inbound, roster, help, activities, broadcast, console (default: all)")
    parser.add_argument("--messages", type=int, default=10_000, help="send rate: messages and chats")
    parser.add_argument("--users", type=int, default=1_000, help="inbound: bound users")
    parser.add_argument("--rounds", type=int, default=5, help="inbound: presses per user")
    parser.add_argument("--retirees", type=int, default=100_000, help="roster: retirees in the database")
    parser.add_argument("--requests", type=int, default=1_000_000, help="help: requests in the database")
    parser.add_argument("--rush", type=int, default=2_000, help="activities: retirees tapping 报名 at once")
    parser.add_argument("--seats", type=int, default=100, help="activities: seats in the rushed activity")
    parser.add_argument("--recipients", type=int, default=10_000, help="broadcast: bound retirees it goes to")
    args = parser.parse_args()
    everything = ["send", "inbound", "roster", "help", "activities", "broadcast", "console"]
    args.which = args.which or everything
    if unknown := set(args.which) - set(everything):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.ERROR)
    if "send" in args.which:
        asyncio.run(send_rate.main(args.messages))
    if "inbound" in args.which:
        asyncio.run(inbound.main(args.users, args.rounds))
    if "roster" in args.which:
        asyncio.run(roster.main(args.retirees))
    if "help" in args.which:
        asyncio.run(help_queue.main(args.requests))
    if "activities" in args.which:
        asyncio.run(activities.main(args.rush, args.seats))
    if "broadcast" in args.which:
        asyncio.run(broadcast.main(args.recipients))
    if "console" in args.which:
        asyncio.run(console.main(args.retirees, args.requests))


if __name__ == "__main__":
    main()
