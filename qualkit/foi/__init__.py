"""FOI letters: parsing each letter's answers (``parse``, ``layouts``, ``options``) and
tallying them by authority type as the published briefs do (``tally``)."""
