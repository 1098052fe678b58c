"""Date formats of the English pages (Django's own, plus the portal's named ones)."""

# The portal's named formats, used through the `local_date` template filter.
DAY_FORMAT = "M j"
DAY_WEEKDAY_FORMAT = "D, M j"
DATE_WEEKDAY_FORMAT = "D, M j, Y"
DAY_TIME_FORMAT = "M j, H:i"
