"""The news replica: LINE TODAY-style and Yahoo-style sites on one loopback server."""
