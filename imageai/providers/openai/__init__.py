"""OpenAI APIs: the /v1/videos protocol (Sora 2 and compatible endpoints) and GPT Image."""
