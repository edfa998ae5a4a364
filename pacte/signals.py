"""Kernel signal handlers."""
