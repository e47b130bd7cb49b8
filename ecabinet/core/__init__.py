"""Shared building blocks: database base, errors, API helpers, time and i18n."""
