"""Streamlit-side helpers shared by the frame and the pages: text, cached loaders, components."""
