"""Video assembly without Qt: joining clips into a cut and pulling still frames with ffmpeg."""
