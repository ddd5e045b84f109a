"""`yinling calendar import FILE` and `yinling calendar show YEAR`, run as an operator runs them.
The 2027 days are this test's EXAMPLE, not the official schedule."""
from __future__ import annotations

import pytest

from serve.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("YINLING_DB", str(tmp_path / "cli.db"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_year_is_imported_then_shown(env, capsys):
    main(["calendar", "show", "2027"])
    assert "Monday to Friday" in capsys.readouterr().out
    (env / "2027.csv").write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,调休上班\n",
                                  encoding="utf-8")
    main(["calendar", "import", "2027.csv"])
    assert "imported: 2 created, 0 updated (2027)" in capsys.readouterr().out
    main(["calendar", "show", "2027"])
    out = capsys.readouterr().out
    assert "2027-01-01  放假  元旦" in out and "2027-02-20  上班  调休上班" in out and "warning" not in out


def test_a_bad_file_lists_its_rows_and_exits_2(env, capsys):
    (env / "bad.csv").write_text("2027-01-01,周末,\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["calendar", "import", "bad.csv"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "第 1 行  类型" in err and "什么都没有导入" in err and "Traceback" not in err
