"""The audit trail's actions: their names (stable, stored) and how the page labels them."""

from tisc.domain.catalogue import N_

ACTIONS: dict[str, str] = {
    "centre.created": N_("Centre created"),
    "centre.edited": N_("Centre edited"),
    "centre.status_changed": N_("Centre status changed"),
    "centre.profile_updated": N_("Page edited by the centre's staff"),
    "centre.suspended": N_("Suspended; its open requests moved"),
    "account.created": N_("Account created"),
    "account.registered": N_("Inventor registered"),
    "account.moved": N_("Staff member moved"),
    "account.deactivated": N_("Account deactivated"),
    "account.reactivated": N_("Account reactivated"),
    "account.signed_in": N_("Signed in"),
    "account.sign_in_failed": N_("Failed sign-in"),
    "account.password_changed": N_("Password changed"),
    "account.password_set": N_("Password set from an e-mailed link"),
    "account.email_changed": N_("E-mail address changed"),
    "account.signed_out_everywhere": N_("Signed out everywhere"),
    "account.signed_out_device": N_("Signed out one device"),
    "token.created": N_("API token created"),
    "token.revoked": N_("API token revoked"),
    "audit.exported": N_("Audit trail exported"),
    "export.downloaded": N_("Export downloaded"),
    "report.downloaded": N_("Report downloaded"),
}
