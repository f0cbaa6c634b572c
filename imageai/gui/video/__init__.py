"""The video workspace: storyboard, scene editor, provider controls, jobs and preview."""
