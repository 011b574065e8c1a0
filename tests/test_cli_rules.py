"""`buzz rules check`: one JSON verdict per input line, in order, bad lines reported, not fatal."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from buzz.cli import app


def line(title: str, platform: str = "ptt", **kw: object) -> str:
    data = {
        "platform": platform,
        "channel": kw.pop("channel", "Gossiping"),
        "title": title,
        "body": kw.pop("body", ""),
        "posted_at": kw.pop("posted_at", "2019-02-05T10:00:00+08:00"),
        **kw,
    }
    return json.dumps(data, ensure_ascii=False)


def run(*args: str, stdin: str | None = None) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(app, ["rules", "check", *args], input=stdin)
    out = [json.loads(x) for x in result.stdout.splitlines()]
    return result.exit_code, out, result.stderr


def test_verdicts_come_in_input_order_with_rule_reason_and_board() -> None:
    text = "\n".join(
        [
            line("[問卦] 有沒有過年被問薪水的八卦"),
            line("[問卦] 推文抽1000P幣"),
            line("留言+分享就抽 iPhone", platform="facebook", channel="粉專"),
            line("[情報] 直播 12/31 跨年晚會"),
            line("[閒聊] 週末閒聊"),
        ]
    )
    code, out, _ = run("-", stdin=text)
    assert code == 0
    assert [o["rule"] for o in out] == [None, "giveaway", "giveaway", "live", "chat_periodic"]
    assert [o["board"] for o in out] == ["main", None, "activity", None, None]
    assert out[0]["reason"] is None and "推文抽" in str(out[1]["reason"])


def test_bad_lines_get_an_error_object_and_exit_1_at_the_end(tmp_path: Path) -> None:
    file = tmp_path / "in.jsonl"
    file.write_text(
        "\n".join(
            [
                line("[問卦] 一"),
                "{not json",
                json.dumps({"platform": "ptt", "channel": "C", "title": "t", "body": ""}),
                line("[問卦] 二", posted_at="yesterday"),
                line("[直播] 記者會"),
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = run(str(file))
    assert code == 1 and "3 line(s)" in err
    assert out[0]["rule"] is None and out[4]["rule"] == "live"
    assert out[1]["error"].startswith("line 2: not JSON")
    assert out[2]["error"] == "line 3: posted_at: missing"
    assert out[3]["error"].startswith("line 4: posted_at: not an ISO date-time")


def test_week_makes_old_posts_stale_and_lines_are_each_others_history() -> None:
    old = line("[問卦] 去年的八卦", posted_at="2019-01-01T10:00:00+08:00")
    series = [
        line(f"今天晚餐吃什麼 {d}", author="bot", posted_at=f"2019-02-0{d}T18:00:00+08:00")
        for d in (4, 5, 6)
    ]
    code, out, _ = run("-", "--week", "2019-02-04", stdin="\n".join([old, *series]))
    assert code == 0
    assert [o["rule"] for o in out] == ["chat_stale", *["chat_periodic"] * 3]
    code, out, _ = run("-", stdin=old)
    assert out[0]["rule"] is None  # judged in its own week without --week


def test_missing_file_and_bad_rules_are_one_line_errors(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path / "none.jsonl"))
    assert code == 2 and out == [] and err.strip().count("\n") == 0 and "none.jsonl" in err
    bad = tmp_path / "r.toml"
    bad.write_text("version = 1\n", encoding="utf-8")
    code, _, err = run("-", "--rules", str(bad), stdin=line("x"))
    assert code == 2 and "r.toml: version" in err and err.strip().count("\n") == 0
