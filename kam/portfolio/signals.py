"""Events of this app that apps above it may react to (they connect in `AppConfig.ready()`),
so that portfolio never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that records revenue entered by hand with a positive amount
# (a won deal), with keyword arguments `actor`, `client` and `deal_date`.
deal_won = Signal()
