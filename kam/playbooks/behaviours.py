"""What KAM does by itself for each difficult type (SPEC §7, issue 17). Each is stated on the
type's card and turned off by the type's `behaviour_on` setting; the handlers live in
`services.py` (tagging, contacts, plan items, complaints) and the cadence in relations."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kam.playbooks.choices import TypeCode

BEHAVIOURS: dict[str, Promise] = {
    TypeCode.KNOW_NOTHING: _(
        "KAM adds a task to attach the plain-words product sheet to the next contact."
    ),
    TypeCode.SEVEN_FRIDAYS: _(
        "After every logged contact KAM adds a task to send the minutes and agreements, and "
        "asks for an alternative contact while the client has only one."
    ),
    TypeCode.LAZY: _(
        "KAM suggests a second, higher contact in the buying centre (a task when tagged)."
    ),
    TypeCode.SCROOGE: _(
        "Every account-plan item gets a price-validity date that reminds you on Today."
    ),
    TypeCode.DISLOYAL: _(
        "The contact cadence is shortened (see the playbook settings) and visits are "
        "suggested over calls."
    ),
    TypeCode.WHINER: _(
        "Before every planned meeting KAM adds the risks-and-answers checklist as a task."
    ),
    TypeCode.CONSERVATIVE: _(
        "KAM suggests a pilot order and a reference from someone the client trusts (tasks "
        "when tagged)."
    ),
    TypeCode.SHOW_OFF: _(
        "KAM suggests an exclusive offer and reminds you to trade concessions only for concessions."
    ),
    TypeCode.OUR_BLUNDER: _(
        "Tagging opens a complaint case on the old fault, worked through the complaint steps."
    ),
    TypeCode.BRAWLER: _(
        "The contact form reminds you that a recording needs the client's consent, and a "
        "complaint by voice gets a task to ask for it in writing."
    ),
}

# Reminders shown next to the contact-log form (and the NPS phone script) for the type.
CONTACT_REMINDERS: dict[str, Promise] = {
    TypeCode.KNOW_NOTHING: _("Attach the plain-words product sheet; no jargon."),
    TypeCode.SEVEN_FRIDAYS: _("Write down the agreements and send the minutes afterwards."),
    TypeCode.LAZY: _("Offer to do part of the paperwork for the buyer."),
    TypeCode.SCROOGE: _("State how long the price is valid in every proposal."),
    TypeCode.DISLOYAL: _("Prefer a visit to a call."),
    TypeCode.WHINER: _("Name the risks and your answers before the client asks."),
    TypeCode.CONSERVATIVE: _("Offer a pilot order; refer to someone the client trusts."),
    TypeCode.SHOW_OFF: _("Stay level; a concession only for a concession."),
    TypeCode.OUR_BLUNDER: _("Show what changed since the old fault."),
    TypeCode.BRAWLER: _(
        "A recording needs the client's consent, asked beforehand; ask for complaints in writing."
    ),
}
