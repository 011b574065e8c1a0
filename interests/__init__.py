"""Interest profiles: the weekly model (signals, decay, strength, trends), CRM rows, audiences."""
