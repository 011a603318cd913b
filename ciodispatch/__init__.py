"""CIO Dispatch: the system of Japan's Certified CIO Dispatch Programme."""
