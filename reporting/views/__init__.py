"""The reporting screens: the home page and the dashboards."""
