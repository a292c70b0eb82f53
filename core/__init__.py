"""What every app uses and no domain owns: errors, roles, navigation, form fields, downloads,
disclosure control, registries, jobs and their progress, htmx helpers and GOV.UK template tags."""
