"""Admin hooks for contact imports."""
