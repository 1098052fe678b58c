"""Date formats of the Japanese pages (Django's own, plus the portal's named ones)."""

# The portal's named formats, used through the `local_date` template filter.
DAY_FORMAT = "n月j日"
DAY_WEEKDAY_FORMAT = "n月j日(D)"
DATE_WEEKDAY_FORMAT = "Y年n月j日(D)"
DAY_TIME_FORMAT = "n月j日 H:i"
