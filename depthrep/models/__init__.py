"""Vision models cut at named layers."""
