"""The PTT replica: generated boards and threads in PTT's web structure, with ground truth."""
