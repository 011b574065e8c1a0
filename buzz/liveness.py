"""Liveness of lock and run holders, for the application layer (see crawlers.liveness)."""

from crawlers.liveness import HEARTBEAT_EVERY, STALE_AFTER, Holder, holder_alive, me, pid_alive

__all__ = ["HEARTBEAT_EVERY", "STALE_AFTER", "Holder", "holder_alive", "me", "pid_alive"]
