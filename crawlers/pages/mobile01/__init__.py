"""Mobile01 pages (www.mobile01.com) parsed into plain data: forums, topic lists, topics.

One module per page kind (`forums`, `topiclist`, `topic`), the records (`data`), shared helpers
(`html`) and every selector (`selectors`). Pure functions: page text in, records out.
"""

from crawlers.pages.mobile01.data import (
    Comment,
    Floor,
    Forum,
    Mobile01ParseError,
    TopicListPage,
    TopicPage,
    TopicRow,
)
from crawlers.pages.mobile01.forums import ForumNotFound, find_forum, forum_key, parse_forums
from crawlers.pages.mobile01.html import TAIPEI, decode_page, parse_time
from crawlers.pages.mobile01.topic import parse_topic
from crawlers.pages.mobile01.topiclist import parse_topic_list

__all__ = [
    "TAIPEI",
    "Comment",
    "Floor",
    "Forum",
    "ForumNotFound",
    "Mobile01ParseError",
    "TopicListPage",
    "TopicPage",
    "TopicRow",
    "decode_page",
    "find_forum",
    "forum_key",
    "parse_forums",
    "parse_time",
    "parse_topic",
    "parse_topic_list",
]
