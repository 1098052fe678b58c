"""Date formats of the English pages (Django's own, plus the portal's named ones)."""

# Django's own, as the portal writes them: "Jan 20, 2027" like the named formats below (Django's
# en has "Jan. 20, 2027"), and a 24-hour clock as on the Japanese pages.
DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, H:i"
TIME_FORMAT = "H:i"

# The portal's named formats, used through the `local_date` template filter.
DAY_FORMAT = "M j"
DAY_WEEKDAY_FORMAT = "D, M j"
DATE_WEEKDAY_FORMAT = "D, M j, Y"
DAY_TIME_FORMAT = "M j, H:i"

# How `local_range` and `local_when` join the parts: "Jan 20 – Jan 21", "…, 2027, 14:00 – 16:00".
RANGE_SEPARATOR = " – "
DATE_TIME_SEPARATOR = ", "
