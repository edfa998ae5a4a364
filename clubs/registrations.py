"""What the clubs app registers with the kernel (personal data, demo content, exchange URLs)."""
