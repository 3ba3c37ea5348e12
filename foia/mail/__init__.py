"""E-mail with the authorities: addresses (reply addresses), outbound (sending), inbound (receiving)."""
