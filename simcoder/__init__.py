"""simcoder: describe a DNN accelerator, get a verified cycle-accurate simulator."""

__version__ = "0.1.0"
__all__ = ["__version__"]
