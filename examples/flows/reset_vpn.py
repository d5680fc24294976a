"""Example flow for the `reset-vpn` process (process-maps/it-service-desk.yaml).

Revokes the person's VPN certificate, issues a fresh profile and e-mails the import link.
Everything is simulated: it sleeps where a real flow would call the VPN gateway and the PKI.
"""

import secrets
import time

from prefect import flow, get_run_logger


@flow(name="reset-vpn", log_prints=True)
def reset_vpn(user_email: str) -> dict:
    """Revoke and reissue the VPN certificate of `user_email`."""
    logger = get_run_logger()
    logger.info(f"Looking up the VPN profile of {user_email}")
    time.sleep(2)

    old_serial = secrets.token_hex(8).upper()
    logger.info(f"Revoking certificate {old_serial} and publishing the new revocation list")
    time.sleep(3)

    new_serial = secrets.token_hex(8).upper()
    logger.info(f"Issued certificate {new_serial}, valid for 365 days")
    time.sleep(2)

    logger.info(f"E-mailed the profile import link to {user_email}; it expires in 24 hours")
    return {"user_email": user_email, "revoked": old_serial, "issued": new_serial}
