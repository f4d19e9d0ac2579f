"""Keyed pseudonyms for the activity store (DESIGN §5, rule 9).

A pseudonym is an HMAC-SHA256 of an identity under `PSEUDONYM_KEY`, a secret held in
configuration and never in the database: whoever holds only the database cannot turn a
pseudonym back into a person, nor test a guessed person id against it. The same identity
always gives the same pseudonym under the same key, so one person's events link up for
indicators (and a rebuild reproduces the live rows) without anyone being named.

Each kind of identity has its own prefix ("person:", "case:", "event:"), so a person id and
a referral id that happen to be equal never share a pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


class Pseudonymiser:
    """HMAC-SHA256 under one key; build it once per job (the key is read from config)."""

    #: People remembered at once: a rebuild meets each person's events together.
    CACHE_SIZE = 10_000

    def __init__(self, key: str) -> None:
        if not key:
            raise RuntimeError("PSEUDONYM_KEY is not set: pseudonyms cannot be made")
        self._key = key.encode()
        self._people: dict[int, str] = {}

    def digest(self, kind: str, identity: object) -> str:
        """64 hex characters for `kind:identity`."""
        message = f"{kind}:{identity}".encode()
        return hmac.digest(self._key, message, hashlib.sha256).hex()

    def person(self, person_id: int) -> str:
        """The person's pseudonym: the same for all their events, never their id."""
        found = self._people.get(person_id)
        if found is None:
            if len(self._people) >= self.CACHE_SIZE:
                self._people.clear()
            found = self._people[person_id] = self.digest("person", person_id)
        return found

    def case(self, identity: str) -> str:
        """A case (referral, spell, transition, IPS referral) so its events can be linked."""
        return self.digest("case", identity)

    def event(self, identity: str) -> str:
        """The event's key from its deterministic source identity, e.g. "referral-received:42"."""
        return self.digest("event", identity)


def from_config() -> Pseudonymiser:
    """The pseudonymiser for the running app's key (production refuses a weak one)."""
    return Pseudonymiser(current_app.config.get("PSEUDONYM_KEY") or "")
