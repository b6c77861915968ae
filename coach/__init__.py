"""Career Coach: a grounded career-coaching engine for software engineers."""
