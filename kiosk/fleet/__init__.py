"""The venue fleet: kiosks of one venue share admissions and pass facts over an MQTT broker.

Qt-free. ``config`` is the joined broker (fleet.json beside the device credentials),
``signing`` the HMAC keys and signed envelopes, ``link`` the connection with its own threads,
``messages`` what travels over it, ``status`` each kiosk's retained status,
``fleet`` the glue the scan pipeline calls, ``probe`` one-shot reads for ``kiosk fleet`` and
``kiosk doctor``. Nothing here may make a door decision wait for the broker.
"""
