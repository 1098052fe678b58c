"""gunicorn settings for `make serve` (and production): the access log never holds what a
resident typed.

A handbook search is a GET query string (「?q=夫に殴られる」), so the access log writes the path
without its query (``%(U)s``), and neither the client address, the user agent nor the referrer
(which would carry the previous page's query).
"""

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
