"""Built-in workloads, written by us with the layer shapes of SCALE-Sim's topology files."""
