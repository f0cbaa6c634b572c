"""ImageAI: images and storyboard-to-video for artists."""

__version__ = "0.1.0"
