"""Plain pieces every part shares: errors with the user's sentence, paths, settings, the
clock, logs, plurals, the progress protocol, inert Markdown, the bounded writer thread,
the media folder, CJK index forms, relaunching this program. No SQL, no Qt."""
