"""The Facebook replica: a Graph API stand-in for a few fan pages."""
