"""The free, offline animatic provider (ffmpeg push-ins and title cards)."""
