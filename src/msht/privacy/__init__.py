"""Privacy: subject access exports and the retention rules (issue 10).

Other apps may call :func:`msht.privacy.selectors.subject_access_collect`,
:func:`msht.privacy.services.subject_access_export` and
:func:`msht.privacy.services.retention_apply`.
"""
