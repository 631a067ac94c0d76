"""The query side of incidents: in-process views of its own store and of staffing's topic."""
