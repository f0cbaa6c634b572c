"""Google APIs: Gemini Omni (Interactions), Veo 3.1 on Vertex AI, and Gemini image models."""
