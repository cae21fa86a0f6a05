"""National-crypto services for applications: keys, sign/verify, encryption, timestamps, certificates."""
