"""Mobile01 (www.mobile01.com): a deterministic stand-in with forums, topics and floors."""
