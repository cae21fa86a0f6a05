"""Organizations, users, roles, MFA, API tokens and the login policy."""
