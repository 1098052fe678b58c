import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")

application = get_wsgi_application()

# The Japanese dictionary and the handbook's thesaurus load once per worker, at start-up, rather
# than on a resident's first search (bench/handbook_search.py measures the cost).
from handbook.search import warm_up  # noqa: E402

warm_up()
