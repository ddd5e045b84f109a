"""Oversized imports are refused before they cost memory: each file is parsed in a fresh process
whose peak resident size (the kernel's count, not Python's) is compared with its size just before.

A 207 KB .xlsx once took the server to 2.6 GB. Each child is capped at 1.5 GB of address space, so a
regression fails here instead of swapping the machine. No timings are asserted.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests import oversized

PEAK_LIMIT_MB = 100

_CHILD = textwrap.dedent("""
    import gc, json, resource, sys, tracemalloc
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
    from yinling.calendar_io import CalendarFileError, parse_days
    from yinling.roster_io import RosterFileError, parse_roster
    from yinling.study_io import parse_pieces

    def status(field):  # VmRSS: resident now; VmHWM: its peak (ru_maxrss would carry the parent's over a fork)
        line = next(line for line in open("/proc/self/status") if line.startswith(field + ":"))
        return int(line.split()[1]) / 1024

    parse = {"roster": parse_roster, "study": parse_pieces, "calendar": parse_days}[sys.argv[1]]
    path = Path(sys.argv[2])
    data = path.read_bytes()
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the peak starts again from the resident size now
    before = status("VmRSS")
    tracemalloc.start()
    try:
        parse(path.name, data)
        outcome = "accepted"
    except (RosterFileError, CalendarFileError) as exc:
        outcome = str(exc)
    except MemoryError:
        outcome = "MemoryError"
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps({"outcome": outcome, "rss_mb": round(status("VmHWM") - before, 1),
                      "traced_mb": round(traced, 1), "before_mb": round(before, 1)}))
""")
# (import, file name, builder, words the refusal must contain)
CASES = {
    "zip bomb (40 MB of <row/>)": ("roster", "台账.xlsx", lambda: oversized.zip_bomb(40), "压缩比"),
    "a million blank rows": ("roster", "台账.xlsx", lambda: oversized.blank_rows(1_000_000), "含空行"),
    "16384 columns": ("roster", "台账.xlsx", lambda: oversized.wide_sheet(16_384), "列数太多"),
    "a 1 MB cell": ("roster", "台账.xlsx", lambda: oversized.huge_cell(1 << 20), "太长"),
    "a row of 200,000 cells": ("roster", "台账.xlsx", lambda: oversized.crowded_row(200_000), "内容太多"),
    "200,000 merged ranges": ("roster", "台账.xlsx", lambda: oversized.many_merges(200_000), "内容太多"),
    "study: zip bomb": ("study", "学习.xlsx", lambda: oversized.zip_bomb(40), "压缩比"),
    "study: 10 MB of JSON {}": ("study", "学习.json", lambda: b"[" + b"{}," * 3_000_000 + b"{}]", "项太多"),
    "calendar: 1 MB of commas": ("calendar", "日历.csv", lambda: b"2027-01-01,holiday," + b"x," * 500_000, "列数太多"),
}


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, dict]:
    """Every case in its own process, two at a time (a regression could take 1.5 GB each)."""
    folder = tmp_path_factory.mktemp("oversized")
    waiting = list(enumerate(CASES.items()))
    running: dict[str, subprocess.Popen] = {}
    results = {}
    while waiting or running:
        while waiting and len(running) < 2:
            number, (case, (kind, name, build, _)) = waiting.pop(0)
            (folder / str(number)).mkdir()
            path = oversized.write(folder / str(number), name, build())
            running[case] = subprocess.Popen([sys.executable, "-c", _CHILD, kind, str(path)],
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        case = next(iter(running))
        out, err = running.pop(case).communicate(timeout=600)
        assert out, err[-2000:]
        results[case] = json.loads(out)
    return results


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the resident size")
@pytest.mark.parametrize("case", list(CASES))
def test_an_oversized_import_is_refused_without_using_much_memory(measured, case):
    _, _, _, words = CASES[case]
    result = measured[case]
    assert words in result["outcome"], result
    assert result["rss_mb"] < PEAK_LIMIT_MB, result
    assert result["traced_mb"] < PEAK_LIMIT_MB, result
