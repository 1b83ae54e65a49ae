"""Storage: double-buffered SRAMs and the DRAM interface."""
