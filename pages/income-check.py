"""A fresh server's first deep link to this URL path runs the app shell (see pages/_first_link.py)."""
from pages._first_link import run_app

run_app()
