"""Every write of the kernel goes through a function of this package (docs/conventions.md)."""
