"""The DPS screens, one module each."""
