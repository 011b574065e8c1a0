"""News sites are configuration: a bad sites file is refused in one line naming file, site and
key; the code names no site; a site given only in a user's file crawls exactly."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import typer
from e2e_helpers import ROOT, buzz_env, stored_counts
from storage_fixtures import SQLITE, fresh_database

from crawlers.pages.news import SiteConfigError, load_sites, parse_sites
from crawlers.sources.news import SITES_FILE, sites
from ranking.windows import week_starting
from replica.clock import DEFAULT_NOW
from replica.news.truth import week_truth
from replica.server import serve_in_thread

GOOD = """\
[demo]
label = "Demo News"
base_url = "https://news.example.org"

[demo.sections]
"政治" = "/politics/"

[demo.section]
links = "css:a.story::attr(href)"

[demo.article]
id = "url:/story/(\\\\d+)"
title = "css:h1::text"
time = "css:time::attr(datetime)"

[demo.comments]
url = "/api/comments?story={id}"
paging = "offset"
list = "comments"
id = "id"
time = "at"
text = "body"
"""


def test_the_shipped_file_and_a_good_file_load() -> None:
    shipped = load_sites(SITES_FILE)
    assert [s.id for s in shipped] == ["linetoday", "yahoo"]
    (demo,) = parse_sites(GOOD, "my-sites.toml")
    assert demo.channel("政治") == "Demo News > 政治"
    assert (demo.comments.paging, demo.comments.page_size, demo.article.time_format) == (
        "offset",
        20,
        "iso",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('paging = "offset"', 'paging = "pages"', "demo.comments.paging: must be one of"),
        ('title = "css:h1::text"', 'title = "h1::text"', "demo.article.title: 'h1::text' must"),
        ('title = "css:h1::text"', 'title = "css:h1[[::text"', "demo.article.title: 'css:h1[["),
        ('title = "css:h1::text"', 'title = "xpath://h1[("', "demo.article.title:"),
        ('id = "url:/story/(\\\\d+)"', 'id = "url:/story/\\\\d+"', "needs a (group)"),
        ('time = "at"\n', "", "demo.comments.time: missing: a site whose comments carry no"),
        ('list = "comments"', 'list = "comments..x"', "demo.comments.list: 'comments..x'"),
        ('text = "body"', 'text = "body"\nlikes = "n"', "demo.comments.likes: unknown key"),
        ('"政治" = "/politics/"', '"政治" = "politics"', "demo.sections.政治: must be the"),
        ('"政治" = "/politics/"', '"政 > 治" = "/p/"', "demo.sections.政 > 治: a section"),
        ('label = "Demo News"', 'label = "A > B"', "demo.label:"),
        ('base_url = "https://news.example.org"', 'base_url = "news"', "demo.base_url: must"),
        ('url = "/api/comments?story={id}"', 'url = "/api/comments"', "demo.comments.url"),
        ('paging = "offset"', 'paging = "cursor"', "demo.comments.next: missing"),
        ("[demo.section]\n", "[demo.sectionz]\n", "demo.sectionz: unknown key"),
        ('links = "css:a.story::attr(href)"\n', "", "demo.section.links: missing"),
        ("[demo]", "[Demo]", "Demo: a site id is lower-case"),
        ('paging = "offset"', 'paging = "offset"\npage_size = 0', "demo.comments.page_size"),
        ('time = "css:time', 'time_format = "yyyy"\ntime = "css:time', "demo.article.time_format"),
        ("[demo.comments]", "[demo.comments", "my-sites.toml: not valid TOML"),
    ],
)
def test_a_bad_sites_file_is_refused_in_one_line_naming_file_site_and_key(
    old: str, new: str, message: str
) -> None:
    assert old in GOOD
    with pytest.raises(SiteConfigError) as caught:
        parse_sites(GOOD.replace(old, new, 1), "my-sites.toml")
    text = str(caught.value)
    assert text.startswith("my-sites.toml: ") and message in text, text
    assert "\n" not in text


def test_two_sites_with_one_label_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    twice = GOOD + GOOD.replace("[demo", "[other")
    with pytest.raises(SiteConfigError, match=r"other\.label: 'Demo News' is another site's"):
        parse_sites(twice, "two.toml")
    with pytest.raises(SiteConfigError, match="cannot read"):
        load_sites(tmp_path / "absent.toml")
    bad = tmp_path / "big5.toml"
    bad.write_bytes("[demo]\nlabel = '新聞'\n".encode("cp950"))
    with pytest.raises(SiteConfigError, match="not UTF-8"):
        load_sites(bad)
    with pytest.raises(SiteConfigError, match="names no site"):
        parse_sites("", "empty.toml")


def test_a_users_file_adds_sites_and_a_bad_one_names_itself(tmp_path: Path) -> None:
    mine = tmp_path / "my-sites.toml"
    mine.write_text(GOOD, encoding="utf-8")
    assert [s.id for s in sites({"NEWS_SITES": str(mine)})] == ["linetoday", "yahoo", "demo"]
    mine.write_text(GOOD.replace('paging = "offset"', "paging = 3"), encoding="utf-8")
    with pytest.raises(SiteConfigError, match=f"{mine}: demo.comments.paging"):
        sites({"NEWS_SITES": str(mine)})


def test_the_news_parsers_and_spider_name_no_site() -> None:
    """Every site is data: no code under the parsers or the spider spells one."""
    files = sorted((ROOT / "crawlers" / "pages" / "news").glob("*.py"))
    files.append(ROOT / "crawlers" / "spiders" / "news.py")
    names = {"linetoday", "line today", "yahoo", "yahoo新聞", "today.line.me"}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ):
                assert not any(n in node.value.lower() for n in names), (path, node.value)


def test_a_site_given_only_in_a_users_file_crawls_exactly(tmp_path: Path) -> None:
    """The shipped Yahoo table relabelled in a user's file: its channel crawls as configured."""
    text = SITES_FILE.read_text(encoding="utf-8")
    table = text[text.index("[yahoo]") :].replace('label = "yahoo新聞"', 'label = "Yahoo奇摩"')
    mine = tmp_path / "mine.toml"
    mine.write_text(table, encoding="utf-8")
    week = date(2019, 2, 4)
    with fresh_database(SQLITE, tmp_path) as db_url, serve_in_thread("news") as site:
        env = {**buzz_env(db_url, site.url, tmp_path), "NEWS_BASE_URL": site.url}
        env["NEWS_SITES"] = str(mine)
        args = ["crawl", "news", "--channels", "Yahoo奇摩 > 娛樂", "--since", week.isoformat()]
        proc = subprocess.run(
            [sys.executable, "-m", "buzz", *args, "--now", DEFAULT_NOW.isoformat(), "--quiet"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        window = week_starting(week)
        counts = stored_counts(db_url, window.start, window.end)
    truth = week_truth(week, DEFAULT_NOW, site.seed)
    cutoff = window.start - timedelta(days=14)
    checked = 0
    for t in truth["threads"]:
        posted = datetime.fromisoformat(t["posted_at"])
        if t["channel"] == "yahoo新聞 > 娛樂" and t["status"] == "ok" and posted >= cutoff:
            assert counts.get(t["thread_key"], 0) == t["new_replies"], t
            checked += 1
    assert checked > 8 and sum(counts.values()) > 30


def test_a_bad_users_file_fails_every_channel_with_its_one_line_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawlers.spiders.news import NewsSpider

    mine = tmp_path / "mine.toml"
    mine.write_text(GOOD.replace('id = "id"', 'id = "id..x"'), encoding="utf-8")
    monkeypatch.setenv("NEWS_SITES", str(mine))
    spider = NewsSpider(channels="LINE TODAY > 國內,Demo News > 政治", since="2019-02-04")
    assert spider.first_requests("LINE TODAY > 國內") == []
    tally = spider.tally["LINE TODAY > 國內"]
    status, reason = tally.status(None)
    assert status == "failed" and reason.startswith(f"bad sites file: {mine}: demo.comments.id")
    monkeypatch.setenv("NEWS_SITES", "")
    spider = NewsSpider(channels="LINE TODAY > 國內", since="2019-02-04")
    assert spider.first_requests("LINE TODAY > 體育") == []
    assert spider.tally["LINE TODAY > 體育"].status(None)[0] == "failed"


def test_news_channels_pass_the_clis_and_buzz_tomls_channel_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`LINE TODAY > 國內` (spaces and " > ") is a channel the CLI and buzz.toml accept."""
    from buzz.commands.common import channels_option, names_option
    from buzz.configfile import parse

    channels = ["LINE TODAY > 國內", "yahoo新聞 > 娛樂"]
    assert channels_option(",".join(channels), "news") == channels
    assert names_option("--channels", " , ".join(channels)) == channels
    toml = '[sources.news]\nchannels = ["LINE TODAY > 國內", "yahoo新聞 > 娛樂"]\n'
    (news,) = parse(toml, tmp_path / "buzz.toml").sources
    assert news.channels == tuple(channels)
    with pytest.raises(typer.Exit):
        channels_option("LINE TODAY >> 國內", "news")
    assert "'LINE TODAY >> 國內' is not a 新聞 section name" in capsys.readouterr().err
