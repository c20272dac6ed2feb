"""Locust users for `python -m bench load`: demo people clicking through KAM's main pages.

Each user logs in as one of the demo logins (managers, supervisors, the director) and keeps
opening Today, the client list, client cards, the portfolio, relationships, NPS results and
the API's client list, with a think time of 0.5-2 s. Run only against 127.0.0.1 (bench/load.py).
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

from locust import HttpUser, between, task

MANAGERS = [f"manager{n}" for n in range(1, 7)]
LOGINS = itertools.cycle([*MANAGERS, "head1", "head2", "director"])
PASSWORD = "kam-demo"  # noqa: S105 - the demo company's published password
CARD = re.compile(r'href="/clients/(\d+)/"')


class DemoPerson(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.username = next(LOGINS)
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"{self.username} could not log in")
        page = self.client.get("/clients/", name="clients")
        self.cards: list[str] = CARD.findall(page.text)[:50]
        self.team = self.username.startswith(("head", "director"))

    def _get(self, url: str, name: str, **kwargs: Any) -> None:
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if "/accounts/login/" in response.url:
                response.failure("sent back to the login page")

    @task(5)
    def today(self) -> None:
        if self.team and random.random() < 0.5:
            self._get("/today/?view=team", "today (team)")
        else:
            self._get("/today/", "today")

    @task(3)
    def clients(self) -> None:
        self._get("/clients/", "clients")

    @task(3)
    def card(self) -> None:
        if self.cards:
            self._get(f"/clients/{random.choice(self.cards)}/", "client card")

    @task(1)
    def portfolio(self) -> None:
        self._get("/portfolio/", "portfolio")

    @task(1)
    def relationships(self) -> None:
        self._get("/relationships/", "relationships")

    @task(1)
    def nps(self) -> None:
        self._get("/surveys/results/", "nps results")

    @task(1)
    def api(self) -> None:
        self._get("/api/v1/clients/", "api clients")
