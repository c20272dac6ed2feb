"""Events of this app that apps above it may react to (they connect in `AppConfig.ready()`),
so that portfolio never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that records revenue entered by hand with a positive amount
# (a won deal), with keyword arguments `actor`, `client` and `deal_date`.
deal_won = Signal()

# Sent inside the transaction that adds a goal or an action to an account plan, with keyword
# arguments `actor`, `client` and `item` (the PlanGoal or PlanAction).
plan_item_added = Signal()
