"""The panel's screens, one module each."""
