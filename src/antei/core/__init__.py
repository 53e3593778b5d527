"""Shared plumbing: users and roles, the hash-chained audit log, errors, tokens, paging."""
