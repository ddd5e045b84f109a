"""The `yinling` command, run as an operator runs it (synchronously, its own event loop)."""
from __future__ import annotations

import io

import pytest

from serve.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("YINLING_DB", str(tmp_path / "cli.db"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(monkeypatch, *argv: str, stdin: str = "") -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    main(list(argv))


def test_staff_accounts_are_created_listed_and_changed(env, monkeypatch, capsys):
    run(monkeypatch, "staff", "create", "wangfang", "--role", "liaison", "--display-name", "王芳",
        "--password-stdin", stdin="long-enough-1\n")
    run(monkeypatch, "staff", "set-role", "wangfang", "admin")
    run(monkeypatch, "staff", "reset-password", "wangfang", "--password-stdin", stdin="another-pass-2\n")
    run(monkeypatch, "staff", "list")
    out = capsys.readouterr().out
    assert "created wangfang (liaison)" in out and "wangfang is now admin" in out
    assert "wangfang" in out.splitlines()[-1] and "admin" in out.splitlines()[-1] and "王芳" in out


@pytest.mark.parametrize(
    "argv, stdin, says",
    [
        (("staff", "create", "x", "--role", "admin", "--password-stdin"), "short\n", "至少要 10 个字符"),
        (("staff", "create", "x", "--role", "liaison", "--password-stdin"), "qwerty123\n", "password"),
        (("staff", "set-role", "nobody", "viewer"), "", "没有用户名为「nobody」的工作人员"),
        (("roster", "import", "missing.xlsx"), "", "no such file"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(env, monkeypatch, capsys, argv, stdin, says):
    with pytest.raises(SystemExit) as exit_info:
        run(monkeypatch, *argv, stdin=stdin)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert says in err and "Traceback" not in err


def test_roster_import_reports_every_bad_row_then_imports_a_good_file(env, monkeypatch, capsys):
    (env / "bad.csv").write_text("姓名,出生日期,手机号\n张三,1940-01-01,13800000001\n李四,1941-13-01,abc\n",
                                 encoding="utf-8")
    with pytest.raises(SystemExit):
        run(monkeypatch, "roster", "import", "bad.csv")
    err = capsys.readouterr().err
    assert "第 3 行" in err and "出生日期" in err and "手机号" in err and "什么都没有导入" in err
    (env / "good.csv").write_text("姓名,出生日期,手机号\n张三,1940-01-01,13800000001\n", encoding="utf-8")
    run(monkeypatch, "roster", "import", "good.csv")
    run(monkeypatch, "roster", "import", "good.csv")
    out = capsys.readouterr().out
    assert "1 created, 0 updated" in out and "0 created, 1 updated" in out


@pytest.mark.parametrize("argv", [("migrate",), ("staff", "list"), ("calendar", "show")])
def test_a_database_url_is_refused_in_one_line_and_makes_no_file(env, monkeypatch, capsys, argv):
    monkeypatch.setenv("YINLING_DB", "postgresql://yinling:secret@127.0.0.1:5432/yinling")
    with pytest.raises(SystemExit) as exit_info:
        run(monkeypatch, *argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("yinling: YINLING_DB: a database URL") and "secret" not in err
    assert not (env / "postgresql:").exists()
