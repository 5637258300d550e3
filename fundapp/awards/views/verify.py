"""Public pages to check an award letter is genuine, by the verification code printed on it.

They confirm what the letter says about the grant (funder, fund and call, reference, organisation, amount, status,
when the latest letter was issued) and nothing personal: no people's names, contact details, addresses, bank
details, signatures or conditions. Only awards whose letter has been issued can be verified; any other code is
"not found", the same as a code that never existed.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from fundapp.awards import bp, queries
from fundapp.awards.forms.verify import VerifyLookupForm
from fundapp.awards.states import AWARD_PUBLIC_LABELS
from fundapp.core.auth import public
from fundapp.core.limits import limited


@bp.get("/verify")
@public
# A public lookup of codes: each look-up counts (a GET here), the empty page does not.
@limited("RATELIMIT_VERIFY", methods=("GET",), exempt_when=lambda: "code" not in request.args)
def verify_lookup():
    form = VerifyLookupForm(request.args)
    if "code" in request.args:
        if form.validate():
            code = queries.normalise_verification_code(form.code.data or "")
            return redirect(url_for("awards.verify", code=code))
        return render_template("awards/verify_lookup.html", form=form, title="Check a grant offer letter"), 422
    return render_template("awards/verify_lookup.html", form=form, title="Check a grant offer letter")


@bp.get("/verify/<code>")
@public
@limited("RATELIMIT_VERIFY", methods=("GET",))
def verify(code: str):
    award = queries.find_award_by_code(code)
    if award is None or award.letter_issued_at is None:
        return render_template("awards/verify_not_found.html", title="Verification code not found"), 404
    return render_template(
        "awards/verify.html",
        award=award,
        funder_name=current_app.config["FUNDER_NAME"],
        status=AWARD_PUBLIC_LABELS[award.status],
        title=f"This letter is genuine: grant offer {award.reference}",
    )
