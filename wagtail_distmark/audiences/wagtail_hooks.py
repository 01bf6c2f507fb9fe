"""Admin hooks for audiences (segments)."""
