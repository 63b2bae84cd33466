"""The token's owner through the API: who they are and, for a centre's staff, whom a request
can be assigned to (``assign`` takes an account id, which nothing else gives out)."""

from tisc.api import representations as shown
from tisc.api import schemas
from tisc.api.auth import caller, needs
from tisc.api.blueprints import Blueprint

bp = Blueprint("api_account", __name__, url_prefix="/api/v1", description="The token's owner")


@bp.route("/me")
@needs("read")
@bp.response(200, schemas.Me)
def me():
    """The token's owner; for a centre's staff also its active staff, by id, the people the
    request page's "Assign to a colleague" offers: send one's id as ``assign``'s ``assignee``."""
    return shown.me(caller().user)
