"""A deterministic local stand-in for PTT: generated boards, a clock, faults and ground truth."""
