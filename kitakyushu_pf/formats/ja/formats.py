"""Date formats of the Japanese pages (Django's own, plus the portal's named ones)."""

# Django's own, as the portal writes them: a space before the time, and the time on a 24-hour
# clock with two digits (Django's ja has 「2027年1月20日9:05」).
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"

# The portal's named formats, used through the `local_date` template filter.
DAY_FORMAT = "n月j日"
DAY_WEEKDAY_FORMAT = "n月j日(D)"
DATE_WEEKDAY_FORMAT = "Y年n月j日(D)"
DAY_TIME_FORMAT = "n月j日 H:i"

# How `local_range` and `local_when` join the parts: 「1月20日〜1月21日」, 「…(水) 14:00〜16:00」.
RANGE_SEPARATOR = "〜"
DATE_TIME_SEPARATOR = " "
