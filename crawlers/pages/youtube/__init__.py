"""The YouTube Data API v3 (www.googleapis.com/youtube/v3) parsed into plain records.

`uploads` (a channel and its uploads playlist), `videos`, `comments` (comment threads and a
thread's replies); the records and error (`data`) and how an answer is read (`payload`:
challenge pages, the API's error object, typed fields). Pure functions: bytes in, records out.
"""

from crawlers.pages.youtube.comments import parse_comment_threads, parse_comments
from crawlers.pages.youtube.data import (
    ApiError,
    CommentPage,
    CommentThread,
    PlaylistEntry,
    PlaylistPage,
    ThreadPage,
    VideoPage,
    YoutubeChannel,
    YoutubeComment,
    YoutubeParseError,
    YoutubeVideo,
)
from crawlers.pages.youtube.payload import TAIPEI, parse_error, refusal
from crawlers.pages.youtube.uploads import parse_channels, parse_playlist_items
from crawlers.pages.youtube.videos import parse_videos

__all__ = [
    "TAIPEI",
    "ApiError",
    "CommentPage",
    "CommentThread",
    "PlaylistEntry",
    "PlaylistPage",
    "ThreadPage",
    "VideoPage",
    "YoutubeChannel",
    "YoutubeComment",
    "YoutubeParseError",
    "YoutubeVideo",
    "parse_channels",
    "parse_comment_threads",
    "parse_comments",
    "parse_error",
    "parse_playlist_items",
    "parse_videos",
    "refusal",
]
