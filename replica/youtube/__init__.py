"""The YouTube Data API v3 replica: channels, uploads, videos, comment threads and replies."""
