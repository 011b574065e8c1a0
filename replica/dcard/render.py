"""The API's JSON objects, in the key sets of the real answers, for the world at one now.

Forums come in the 2024 shape (`forums_list_2024-03`), comments in the 2016 shape (the only one
found), posts in their forum's generation: 2016 (`post_metas_2016`, `single_post_content_2016`)
or 2022 (`forum_photography_posts_2022-06-30`; a single post adds `content`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader

from replica.dcard.world import REACTION_LIKE, Comment, Forum, Post

BOM = "\ufeff".encode()
CHALLENGE_PAGE = (
    Environment(
        loader=PackageLoader("replica.dcard", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    .get_template("challenge.html.j2")
    .render()
)
"""Cloudflare's challenge page, as every route of a challenged forum answers it (403)."""
ROBOTS_TXT = """User-agent: *
Allow: /service/api/v2/
Disallow: /service/
Disallow: /_api/
Disallow: /login
Disallow: /signup
"""


def stamp(when: datetime) -> str:
    """`2016-07-15T11:08:23.539Z`: UTC to the millisecond, as Dcard writes times."""
    utc = when.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def dumps(value: Any, bom: bool = False) -> bytes:
    """Compact JSON as the API sends it (optionally after a BOM)."""
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return BOM + body if bom else body


def forum_object(forum: Forum, now: datetime, posts_30d: int) -> dict[str, Any]:
    """A forum in the 2024 key set."""
    spec = forum.spec
    obj: dict[str, Any] = {
        "id": forum.id,
        "alias": spec.alias,
        "name": spec.name,
        "description": spec.description,
        "subscriptionCount": spec.subscribers,
        "subscribed": False,
        "read": False,
        "createdAt": stamp(forum.created_at),
        "updatedAt": stamp(forum.created_at),
        "canPost": False,
        "ignorePost": False,
        "invisible": False,
        "isSchool": False,
        "fullyAnonymous": spec.alias in ("mood", "relationship"),
        "canUseNickname": True,
        "postThumbnail": {"size": "small"},
        "shouldCategorized": False,
        "shouldPostCategorized": False,
        "hasPostCategories": False,
        "postTitlePlaceholder": "",
        "ipCountryCondition": {"exclude": [], "include": []},
        "subcategories": [],
        "topics": list(spec.topics),
        "nsfw": False,
        "mediaThreshold": {},
        "limitCountries": [],
        "limitStage": 0,
        "availableLayouts": ["classic", "link", "image", "video", "multimedia"],
    }
    if spec.topics:  # forums with their own art; the rest have none, as in the real list
        image = "https://megapx-assets.dcard.tw/images/replica-{}/full.jpeg"
        obj["heroImage"] = {
            "url": image.format(f"{spec.alias}-hero"),
            "type": "image/jpeg",
            "width": 1800,
            "height": 600,
        }
        obj["logo"] = {
            "url": image.format(f"{spec.alias}-logo"),
            "type": "image/jpeg",
            "width": 200,
            "height": 200,
        }
    obj.update(
        {
            "postCount": {"last30Days": posts_30d},
            "favorite": False,
            "isPersonaPage": False,
            "isFeaturedPage": False,
            "enablePrivateMessage": False,
            "restrictIdentityOnComment": False,
            "enableSelectedPosts": False,
            "displaySelectedPostsTab": False,
            "allowModManageSelectedPosts": False,
            "displayGroupChatEntry": False,
            "enableHintedValidations": False,
            "enableEditedHistory": True,
            "enableImmersiveVideo": True,
        }
    )
    return obj


def excerpt(body: str, limit: int = 100) -> str:
    """The start of the body, as lists show it."""
    return body[:limit]


def _media(post: Post) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`media` (one entry per image) and `mediaMeta` (a thumbnail, then each image)."""
    if not post.images:
        return [], []
    when = stamp(post.at)
    meta = [
        {
            "id": f"{post.id:x}-thumb",
            "url": post.images[0].replace(".jpg", "l.jpg"),
            "normalizedUrl": post.images[0].replace(".jpg", "l.jpg"),
            "thumbnail": post.images[0].replace(".jpg", "l.jpg"),
            "type": "image/thumbnail",
            "tags": ["ANNOTATED"],
            "createdAt": when,
            "updatedAt": when,
            "width": 2000,
            "height": 1333,
        }
    ]
    for n, url in enumerate(post.images):
        meta.append(
            {
                "id": f"{post.id:x}-{n}",
                "url": url,
                "normalizedUrl": url.replace("i.imgur.com", "imgur.com").removesuffix(".jpg"),
                "thumbnail": url.replace(".jpg", "l.jpg"),
                "type": "image/imgur",
                "tags": ["ANNOTATED"],
                "createdAt": when,
                "updatedAt": when,
                "width": 2000,
                "height": 1333,
            }
        )
    return [{"url": u} for u in post.images], meta


def post_2016(post: Post, forum: Forum, now: datetime, full: bool) -> dict[str, Any]:
    """A post in the 2016 key set: the list's meta, or the single post with content."""
    body = post.body_at(now)
    obj: dict[str, Any] = {
        "id": post.id,
        "title": post.title,
        "excerpt": excerpt(body),
        "anonymousSchool": post.anonymous_school,
        "anonymousDepartment": post.anonymous_department,
        "pinned": post.pinned,
        "forumId": forum.id,
        "replyId": None,
        "createdAt": stamp(post.at),
        "updatedAt": stamp(post.updated_at(now)),
        "commentCount": len(post.comments_at(now)),
        "likeCount": post.like_count,
        "tags": list(post.topics),
        "forumName": forum.name,
        "forumAlias": forum.alias,
        "gender": post.gender,
        "school": post.school,
        "replyTitle": None,
    }
    if post.department:
        obj["department"] = post.department
    if full:
        obj["content"] = body
        obj["deletedAt"] = None
    return obj


def post_2022(post: Post, forum: Forum, now: datetime, full: bool) -> dict[str, Any]:
    """A post in the 2022 key set (a single post adds `content`)."""
    body = post.body_at(now)
    count = len(post.comments_at(now))
    media, meta = _media(post)
    edited = post.edited_at is not None and post.edited_at <= now
    obj: dict[str, Any] = {
        "id": post.id,
        "title": post.title,
        "excerpt": "" if post.reply_to is not None else excerpt(body),
        "anonymousSchool": post.anonymous_school,
        "anonymousDepartment": post.anonymous_department,
        "pinned": post.pinned,
        "forumId": forum.id,
        "replyId": post.reply_to.id if post.reply_to is not None else None,
        "createdAt": stamp(post.at),
        "updatedAt": stamp(post.updated_at(now)),
        "commentCount": count,
        "likeCount": post.like_count,
        "withNickname": post.nickname,
        "tags": [],
        "topics": list(post.topics),
        "meta": {"layout": "classic"},
        "forumName": forum.name,
        "forumAlias": forum.alias,
        "nsfw": False,
        "gender": post.gender,
        "school": post.school,
        "replyTitle": post.reply_to.title if post.reply_to is not None else None,
        "mediaMeta": meta,
        "reactions": [{"id": REACTION_LIKE, "count": post.like_count}] if post.like_count else [],
        "hidden": post.hidden_by(now),
        "customStyle": None,
        "isSuspiciousAccount": False,
        "isModerator": False,
        "layout": "classic",
        "spoilerAlert": False,
        "totalCommentCount": count,
        "withImages": bool(post.images),
        "withVideos": False,
        "media": media,
        "reportReasonText": "",
        "excerptComments": [],
        "postAvatar": "",
        "activityAvatar": "",
        "verifiedBadge": False,
        "memberType": "",
        "supportedReactions": None,
        "unsafe": False,
        "elapsedTime": max(0, int((now - post.at).total_seconds())),
        "collectionCount": 0,
        "categories": [post.category] if post.category else [],
        "edited": edited,
        "isSelectedPost": False,
        "enableNestedComment": True,
        "reportReason": "",
    }
    if post.nickname and post.department:
        obj["department"] = post.department
        obj["enablePrivateMessage"] = True
    if full:
        obj["content"] = body
    return obj


def post_object(post: Post, forum: Forum, now: datetime, full: bool = False) -> dict[str, Any]:
    """A post in its forum's generation."""
    shape = post_2022 if forum.spec.schema == "2022" else post_2016
    return shape(post, forum, now, full)


def comment_object(comment: Comment, now: datetime) -> dict[str, Any]:
    """A comment in the 2016 key set; hidden or deleted by now, only its floor and times stay."""
    gone = comment.gone_by(now)
    obj: dict[str, Any] = {
        "id": comment.id,
        "anonymous": comment.anonymous,
        "postId": comment.post_id,
        "createdAt": stamp(comment.at),
        "updatedAt": stamp(gone or comment.at),
        "floor": comment.floor,
        "reportReason": "",
        "hidden": gone is not None,
        "host": comment.host,
    }
    if gone is None:
        obj["content"] = comment.content
        obj["likeCount"] = comment.like_count
        obj["gender"] = comment.gender
        obj["school"] = comment.school
        if comment.department:
            obj["department"] = comment.department
    return obj


def error(code: int, message: str, **extra: str) -> dict[str, Any]:
    """Dcard's error object (`{"error":1202,"message":"Post not found",...}`)."""
    return {"error": code, "message": message, **extra}
