"""Interconnect: per-fold timing of the systolic array and each operand's demand stream."""
