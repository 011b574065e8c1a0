"""The Dcard replica: its JSON API v2 over a generated world, with a clock and ground truth."""
