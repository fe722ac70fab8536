"""Access control: roles as data, the user's region scope, small-cell suppression and the audit log.

Pure Python (no streamlit): the page shell binds a `Scope` to every query through `guard.run_scoped`.
"""
