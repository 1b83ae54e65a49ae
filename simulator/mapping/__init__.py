"""Mapping: a layer onto the array (dataflow, folding)."""
